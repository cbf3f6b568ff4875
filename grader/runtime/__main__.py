from grader.runtime.cli import main

main()
