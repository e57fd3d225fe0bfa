"""Groups: CreateGroup, GetGroup, UpdateGroup, DeleteGroup, ListGroups, AdminAddUserToGroup,
AdminRemoveUserFromGroup, AdminListGroupsForUser, ListUsersInGroup; and the group claims tokens carry.
(docs/cognito-behaviour.md §13)"""

from __future__ import annotations

from emulator import errors
from emulator.operations import pagination
from emulator.operations.registry import operation
from emulator.operations.user_pools import require_pool
from emulator.operations.users import require_user, user_type
from emulator.services import Services
from emulator.services.store import GroupTaken

MAX_GROUPS_PER_USER = 100  # Cognito's documented quota
GROUP_FIELDS = ("Description", "RoleArn", "Precedence")


def _group_not_found() -> errors.CognitoError:
    return errors.ResourceNotFoundException("Group not found.")


def require_group(services: Services, pool: dict, name: str) -> dict:
    group = services.store.get_group(pool["Id"], name)
    if group is None:
        raise _group_not_found()
    return group


@operation("CreateGroup")
def create_group(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    now = services.clock.now()
    group = {"GroupName": request["GroupName"], "UserPoolId": pool["Id"],
             **{field: request[field] for field in GROUP_FIELDS if field in request},
             "LastModifiedDate": now, "CreationDate": now}
    try:
        services.store.insert_group(pool["Id"], group)
    except GroupTaken:
        # Wording undocumented (docs/cognito-behaviour.md §13.1).
        raise errors.GroupExistsException(f"A group with the name {request['GroupName']} already exists.") from None
    return {"Group": group}


@operation("GetGroup")
def get_group(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    return {"Group": require_group(services, pool, request["GroupName"])}


@operation("UpdateGroup")
def update_group(services: Services, request: dict) -> dict:
    """Changes only the fields given; the others keep their values."""
    pool = require_pool(services, request["UserPoolId"])
    group = require_group(services, pool, request["GroupName"])
    group.update({field: request[field] for field in GROUP_FIELDS if field in request})
    group["LastModifiedDate"] = services.clock.now()
    services.store.replace_group(pool["Id"], group)
    return {"Group": group}


@operation("DeleteGroup")
def delete_group(services: Services, request: dict) -> dict:
    """A group with members may be deleted: it stops giving them claims (docs/cognito-behaviour.md §13.1)."""
    pool = require_pool(services, request["UserPoolId"])
    if not services.store.delete_group(pool["Id"], request["GroupName"]):
        raise _group_not_found()
    return {}


def _page(request: dict, kind: str, items_key: str, fetch) -> dict:
    """A Limit / NextToken listing: `fetch(limit, after)` gives a page of items and the next cursor."""
    items, cursor = fetch(request.get("Limit") or 60, pagination.decode(kind, request.get("NextToken")))
    return pagination.listing(items_key, items, kind, cursor)


@operation("ListGroups")
def list_groups(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    return _page(request, "groups", "Groups",
                 lambda limit, after: services.store.list_groups(pool["Id"], limit, after))


@operation("AdminAddUserToGroup")
def admin_add_user_to_group(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    group = require_group(services, pool, request["GroupName"])
    store = services.store
    in_groups = {g["GroupName"] for g in store.list_groups_of_user(pool["Id"], user["Username"])[0]}
    if group["GroupName"] not in in_groups and len(in_groups) >= MAX_GROUPS_PER_USER:
        # Wording undocumented (docs/cognito-behaviour.md §13.1).
        raise errors.LimitExceededException(f"A user can be a member of at most {MAX_GROUPS_PER_USER} groups.")
    store.add_group_member(pool["Id"], group["GroupName"], user["Username"])
    return {}


@operation("AdminRemoveUserFromGroup")
def admin_remove_user_from_group(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    group = require_group(services, pool, request["GroupName"])
    services.store.remove_group_member(pool["Id"], group["GroupName"], user["Username"])
    return {}


@operation("AdminListGroupsForUser")
def admin_list_groups_for_user(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    user = require_user(services, pool, request["Username"])
    return _page(request, "groups", "Groups",
                 lambda limit, after: services.store.list_groups_of_user(pool["Id"], user["Username"], limit, after))


@operation("ListUsersInGroup")
def list_users_in_group(services: Services, request: dict) -> dict:
    pool = require_pool(services, request["UserPoolId"])
    group = require_group(services, pool, request["GroupName"])
    response = _page(request, "members", "Users", lambda limit, after: services.store.list_group_members(
        pool["Id"], group["GroupName"], limit, after))
    response["Users"] = [user_type(user) for user in response["Users"]]
    return response


# -- the claims a user's groups give ------------------------------------------------------------


def _precedence_order(group: dict) -> tuple:
    """Lowest Precedence first; groups without one after every number; then by name."""
    precedence = group.get("Precedence")
    return (precedence is None, precedence if precedence is not None else 0, group["GroupName"])


def group_configuration(services: Services, pool: dict, user: dict) -> dict:
    """PreTokenGeneration's `groupConfiguration`, and what the tokens' group claims are made from:
    {groupsToOverride, iamRolesToOverride, preferredRole} (docs/cognito-behaviour.md §13.2)."""
    groups = sorted(services.store.list_groups_of_user(pool["Id"], user["Username"])[0], key=_precedence_order)
    roles = []
    for group in groups:
        if group.get("RoleArn") and group["RoleArn"] not in roles:
            roles.append(group["RoleArn"])
    return {"groupsToOverride": [group["GroupName"] for group in groups], "iamRolesToOverride": roles,
            "preferredRole": _preferred_role(groups)}


def _preferred_role(groups: list[dict]) -> str | None:
    """The RoleArn of the group with the lowest Precedence that has one; on a tie of different roles, none."""
    with_roles = [group for group in groups if group.get("RoleArn")]
    if not with_roles:
        return None
    best = with_roles[0].get("Precedence")
    tied = {group["RoleArn"] for group in with_roles if group.get("Precedence") == best}
    return tied.pop() if len(tied) == 1 else None


def group_claims(configuration: dict | None, access_configuration: dict | None) -> tuple[dict, dict]:
    """(ID token claims, access token claims) for the group configurations of each; none for no groups."""
    def groups(config: dict | None) -> dict:
        names = (config or {}).get("groupsToOverride")
        return {"cognito:groups": list(names)} if names else {}

    id_claims, access_claims = groups(configuration), groups(access_configuration)
    if configuration and configuration.get("iamRolesToOverride"):
        id_claims["cognito:roles"] = list(configuration["iamRolesToOverride"])
    if configuration and configuration.get("preferredRole"):
        id_claims["cognito:preferred_role"] = configuration["preferredRole"]
    return id_claims, access_claims
