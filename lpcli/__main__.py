from lpcli.cli import main

main()
