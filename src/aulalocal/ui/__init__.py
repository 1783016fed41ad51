"""The desktop window over the catalog core: the only package that imports PySide6.

``app.run_app`` starts it. Every view listens to the signals of
``appstate.AppState`` ("catalog changed", "language changed"...) and refreshes
itself; background work goes through ``worker.Op`` (Anki's CollectionOp/QueryOp).
"""
