"""Live traffic: a proxy in front of the Orders API that checks every exchange.

``sendcloud-contract proxy --upstream URL`` forwards each request unchanged,
judges the request and the answer with the one checker of an exchange
(:mod:`sendcloud_contract.exchanges`), logs a line per exchange, can keep the
traffic as a recording, and writes a summary with the contract coverage when
it stops. A front end like the CLI and the plugin: it uses the core,
``recordings`` and the fake's public error builders, never the fake's
internals.

One module per part: ``settings`` (options and limits), ``http`` (the clients'
side), ``upstream`` (forwarding), ``traffic`` (each exchange), ``answers``
(the proxy's own JSON:API answers), ``recording``, ``tally`` and ``summary``,
and ``command`` (the subcommand).
"""
