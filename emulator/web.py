"""Pages for people: the home page lists the pools, their clients and how to connect."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

from emulator.operations import Services

web = Blueprint("web", __name__)


@web.get("/")
def home():
    services: Services = current_app.extensions["cognito_emulator"]
    pools = []
    cursor = 0
    while cursor is not None:
        page, cursor = services.store.list_pools(60, cursor)
        pools.extend(page)
    clients = {pool["Id"]: services.store.list_clients(pool["Id"], 60)[0] for pool in pools}
    return render_template("home.html", pools=pools, clients=clients, endpoint=services.settings.base_url)
