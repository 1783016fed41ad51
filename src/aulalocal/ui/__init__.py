"""The desktop window over the catalog core: the only package that imports PySide6.

``app.run_app`` starts it. Background work goes through ``worker``'s
operations (Anki's CollectionOp and QueryOp): ``CatalogOp`` changes the data
folder and announces what changed on ``appstate.AppState`` ("catalog changed",
"userdata changed"), ``QueryOp`` reads. Every view listens to those signals
and refreshes itself. docs/architecture.md maps the files.
"""
