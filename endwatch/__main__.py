from endwatch.cli import main

main()
