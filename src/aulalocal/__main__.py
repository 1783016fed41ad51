from aulalocal.cli import main

raise SystemExit(main())
