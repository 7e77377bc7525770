import sys

from linkis_mock.cli import main

sys.exit(main())
