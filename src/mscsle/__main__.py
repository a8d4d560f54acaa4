"""`python -m mscsle` runs the command line."""

from mscsle.cli import main

main()
