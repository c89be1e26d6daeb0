from jsfix.cli import main

main()
