import sys

from innovisits.cli import main

sys.exit(main())
