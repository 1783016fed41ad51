"""The classroom web face: the catalog as a plain, read-only web site for students' and parents' devices.

A face beside ``ui`` and ``cli``: it imports the core (catalog, recordtext,
i18n, errors) and never ``ui``; the core never imports it. Its parts:
``site`` (the WSGI application: routes, pages, headers), ``pages`` (what each
page shows, from the core), ``server`` (waitress on a background thread,
started and stopped by the app or ``aulalocal serve``), ``announce`` (the
mDNS/DNS-SD announcement) and ``network`` (the laptop's addresses and their
QR codes). Templates and the stylesheet are package data beside them.
"""
