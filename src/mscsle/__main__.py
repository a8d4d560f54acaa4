"""`python -m mscsle` runs the command line."""

from .cli import main

main()
