-- INNOVISITS_ENGINE=motherduck: attach the MotherDuck account's databases (md:); the extension reads the
-- token from MOTHERDUCK_TOKEN itself, so it never appears in SQL. `install` downloads only the first time.
install motherduck;
load motherduck;
attach 'md:';
