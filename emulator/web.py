"""Pages for people: the live SMS inbox (the home page) and the pools with their clients."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from emulator.operations import Services

web = Blueprint("web", __name__)

# The inbox page shows at most this many messages, however many the inbox holds.
INBOX_PAGE_SIZE = 200


@web.get("/")
def inbox():
    return render_template("inbox.html", page_size=INBOX_PAGE_SIZE)


@web.get("/pools")
def pools():
    services: Services = current_app.extensions["cognito_emulator"]
    all_pools = []
    cursor = 0
    while cursor is not None:
        page, cursor = services.store.list_pools(60, cursor)
        all_pools.extend(page)
    clients = {pool["Id"]: services.store.list_clients(pool["Id"], 60)[0] for pool in all_pools}
    return render_template("pools.html", pools=all_pools, clients=clients, endpoint=services.settings.base_url)
