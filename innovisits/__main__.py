import sys

from innovisits.cli.main import main

sys.exit(main())
