from cspkit.cli import main

main()
