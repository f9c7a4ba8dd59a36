"""`python -m gmsd`: the `gmsd` command, started as the installed one is (`gmsd.start`)."""

from gmsd.start import main

main()
