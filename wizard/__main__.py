"""``python -m wizard`` runs the same CLI as the ``convoai-setup`` console script."""

from wizard.cli import main

raise SystemExit(main())
