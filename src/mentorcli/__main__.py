from mentorcli.cli.app import main

main()
