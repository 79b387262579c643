from sendcloud_contract.cli import main

raise SystemExit(main())
