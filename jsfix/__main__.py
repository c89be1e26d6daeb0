from jsfix.launch import main

main()
