"""Request validation driven by botocore's model of Cognito.

Two kinds of failure, as AWS's JSON protocol layer reports them:
- a value of the wrong JSON type → SerializationException, at the first one found
  (e.g. "Start of structure or map found where not expected.");
- constraint violations (required, length, range, pattern, enum) → one
  InvalidParameterException listing all of them:
  "2 validation errors detected: Value null at 'clientId' failed to satisfy
  constraint: Member must not be null; Value '...' at ...".

Members the model does not know are dropped, as AWS ignores them; JSON nulls count as absent.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import regex
from emulator.protocol.model import Shape

from emulator import errors

# What Coral (AWS's service framework) says when a JSON token has the wrong type.
_START_OF_MAP = "Start of structure or map found where not expected."
_START_OF_LIST = "Start of list found where not expected"
_JAVA_TYPE = {bool: "java.lang.Boolean", str: "java.lang.String", int: "com.amazon.coral.value.json.numbers.TruncatingBigNumber",
              float: "com.amazon.coral.value.json.numbers.TruncatingBigNumber"}
_JAVA_TARGET = {"string": "an String", "integer": "an Integer", "long": "a Long", "boolean": "a Boolean",
                "timestamp": "a Date", "blob": "a ByteBuffer", "double": "a Double", "float": "a Float"}


def validate_input(shape: Shape | None, params: Any) -> dict:
    """The request's parameters, checked against the operation's input shape."""
    if shape is None:
        return {}
    problems: list[str] = []
    cleaned = _check(shape, params, "", problems, sensitive=False)
    if problems:
        count = len(problems)
        noun = "validation error" if count == 1 else "validation errors"
        raise errors.InvalidParameterException(f"{count} {noun} detected: " + "; ".join(problems))
    return cleaned


def member_path(parent: str, member: str) -> str:
    name = member[:1].lower() + member[1:]
    return f"{parent}.{name}" if parent else name


@lru_cache(maxsize=None)
def _compiled(pattern: str):
    try:
        return regex.compile(pattern)
    except regex.error:  # a pattern this engine can't read is not enforced rather than failing every call
        return None


def _java_repr(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return "[" + ", ".join(_java_repr(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}={_java_repr(v)}" for k, v in value.items()) + "}"
    return str(value)


def _describe(value: Any, path: str, sensitive: bool) -> str:
    if value is None:
        return f"Value null at '{path}'"
    if sensitive:  # Cognito leaves sensitive values (passwords, codes, secrets) out of the message
        return f"Value at '{path}'"
    return f"Value '{_java_repr(value)}' at '{path}'"


def _type_error(shape: Shape, value: Any) -> errors.CognitoError:
    if isinstance(value, dict):
        return errors.SerializationException(_START_OF_MAP)
    if isinstance(value, list):
        return errors.SerializationException(_START_OF_LIST)
    if shape.type_name in ("structure", "map"):
        return errors.SerializationException("Expected map or null")
    if shape.type_name == "list":
        return errors.SerializationException("Expected list or null")
    source = _JAVA_TYPE.get(type(value), type(value).__name__)
    return errors.SerializationException(f"class {source} can not be converted to {_JAVA_TARGET.get(shape.type_name, 'a ' + shape.type_name)}")


def _string_length(value: str) -> int:
    return len(value.encode("utf-16-le")) // 2  # Java counts UTF-16 code units


def _scalar_constraints(shape: Shape, value: Any) -> list[str]:
    """The constraints a scalar value violates, in Coral's wording."""
    meta = shape.metadata
    failed = []
    if shape.type_name == "string":
        length = _string_length(value)
        if "max" in meta and length > meta["max"]:
            failed.append(f"Member must have length less than or equal to {meta['max']}")
        if "min" in meta and length < meta["min"]:
            failed.append(f"Member must have length greater than or equal to {meta['min']}")
        if "pattern" in meta:
            compiled = _compiled(meta["pattern"])
            if compiled is not None and compiled.fullmatch(value) is None:
                failed.append(f"Member must satisfy regular expression pattern: {meta['pattern']}")
        if shape.enum and value not in shape.enum:
            failed.append(f"Member must satisfy enum value set: [{', '.join(shape.enum)}]")
    elif shape.type_name in ("integer", "long"):
        if "max" in meta and value > meta["max"]:
            failed.append(f"Member must have value less than or equal to {meta['max']}")
        if "min" in meta and value < meta["min"]:
            failed.append(f"Member must have value greater than or equal to {meta['min']}")
    return failed


def _coerce_scalar(shape: Shape, value: Any) -> Any:
    kind = shape.type_name
    if kind == "string" or kind == "blob":
        if isinstance(value, str):
            return value
    elif kind in ("integer", "long"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return int(value)  # Coral truncates fractional numbers
    elif kind in ("double", "float"):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    elif kind == "boolean":
        if isinstance(value, bool):
            return value
        if isinstance(value, str):  # Coral reads a JSON string where a boolean is expected
            return value.strip().lower() == "true"
    elif kind == "timestamp":
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
    raise _type_error(shape, value)


def _check(shape: Shape, value: Any, path: str, problems: list[str], sensitive: bool) -> Any:
    sensitive = sensitive or bool(shape.metadata.get("sensitive"))
    kind = shape.type_name
    if kind == "document":
        return value  # any JSON, taken as sent
    if kind == "structure":
        if not isinstance(value, dict):
            raise _type_error(shape, value)
        cleaned = {}
        for name, member in shape.members.items():
            item = value.get(name)
            child = member_path(path, name)
            if item is None:
                if name in shape.required_members:
                    problems.append(f"{_describe(None, child, False)} failed to satisfy constraint: Member must not be null")
                continue
            cleaned[name] = _check(member, item, child, problems, sensitive)
        return cleaned
    if kind == "list":
        if not isinstance(value, list):
            raise _type_error(shape, value)
        _collection_length(shape, value, path, problems, sensitive)
        member = shape.member
        if member.type_name in ("structure", "list", "map", "document"):
            return [
                _check(member, item, f"{path}.{index}.member", problems, sensitive)
                for index, item in enumerate(value, start=1)
                if item is not None
            ]
        items = [_coerce_scalar(member, item) for item in value if item is not None]
        _member_constraints(member, items, value, path, problems, sensitive, "Member must satisfy constraint")
        return items
    if kind == "map":
        if not isinstance(value, dict):
            raise _type_error(shape, value)
        _collection_length(shape, value, path, problems, sensitive)
        keys = [_coerce_scalar(shape.key, key) for key in value]
        _member_constraints(shape.key, keys, value, path, problems, sensitive, "Map keys must satisfy constraint")
        if shape.value.type_name in ("structure", "list", "map", "document"):
            return {
                key: _check(shape.value, item, f"{path}.{key}", problems, sensitive)
                for key, item in value.items()
                if item is not None
            }
        cleaned = {key: _coerce_scalar(shape.value, item) for key, item in value.items() if item is not None}
        _member_constraints(shape.value, list(cleaned.values()), value, path, problems, sensitive, "Map value must satisfy constraint")
        return cleaned
    coerced = _coerce_scalar(shape, value)
    for failure in _scalar_constraints(shape, coerced):
        problems.append(f"{_describe(value, path, sensitive)} failed to satisfy constraint: {failure}")
    return coerced


def _collection_length(shape: Shape, value: Any, path: str, problems: list[str], sensitive: bool) -> None:
    meta = shape.metadata
    if "max" in meta and len(value) > meta["max"]:
        problems.append(f"{_describe(value, path, sensitive)} failed to satisfy constraint: Member must have length less than or equal to {meta['max']}")
    if "min" in meta and len(value) < meta["min"]:
        problems.append(f"{_describe(value, path, sensitive)} failed to satisfy constraint: Member must have length greater than or equal to {meta['min']}")


def _member_constraints(member: Shape, items: list, whole: Any, path: str, problems: list[str], sensitive: bool, lead: str) -> None:
    """Scalar members of a list or map are reported once, against the whole collection."""
    sensitive = sensitive or bool(member.metadata.get("sensitive"))
    for item in items:
        failed = _scalar_constraints(member, item)
        if failed:
            problems.append(f"{_describe(whole, path, sensitive)} failed to satisfy constraint: {lead}: [{', '.join(failed)}]")
            return


def output_problems(shape: Shape | None, value: Any, path: str = "") -> list[str]:
    """Ways a response differs from the operation's output shape (a self-check run under test)."""
    if shape is None:
        return [] if value in ({}, None) else [f"{path or 'output'}: the operation has no output shape"]
    kind = shape.type_name
    where = path or "output"
    if kind == "structure":
        if not isinstance(value, dict):
            return [f"{where}: expected an object"]
        found = [f"{where}.{name}: unknown member" for name in value if name not in shape.members]
        found += [f"{where}.{name}: required member missing" for name in shape.required_members if value.get(name) is None]
        for name, item in value.items():
            if name in shape.members and item is not None:
                found += output_problems(shape.members[name], item, f"{where}.{name}")
        return found
    if kind == "list":
        if not isinstance(value, list):
            return [f"{where}: expected a list"]
        return [problem for index, item in enumerate(value) for problem in output_problems(shape.member, item, f"{where}[{index}]")]
    if kind == "map":
        if not isinstance(value, dict):
            return [f"{where}: expected a map"]
        return [problem for key, item in value.items() for problem in output_problems(shape.value, item, f"{where}.{key}")]
    expected = {"string": str, "blob": str, "boolean": bool, "integer": int, "long": int,
                "timestamp": (int, float), "double": (int, float), "float": (int, float)}.get(kind)
    if expected is not None and (not isinstance(value, expected) or (kind != "boolean" and isinstance(value, bool))):
        return [f"{where}: expected {kind}, got {type(value).__name__}"]
    if kind == "string" and shape.enum and value not in shape.enum:
        return [f"{where}: {value!r} is not one of {shape.enum}"]
    return []


def unknown_members(shape: Shape | None, value: Any, path: str,
                    known_extra: tuple[str, ...] = ()) -> list[tuple[str, list[str]]]:
    """Members `value` has that `shape` does not know, anywhere inside it: (path, the known names) for each.
    AWS drops such members from a request; a configuration file must not, since a typo there would go unnoticed.
    `known_extra` names members allowed at the top besides the shape's own."""
    found: list[tuple[str, list[str]]] = []
    if shape is None:
        return found
    if shape.type_name == "structure" and isinstance(value, dict):
        known = [*shape.members, *known_extra]
        for name, item in value.items():
            if name in shape.members:
                found += unknown_members(shape.members[name], item, f"{path}.{name}")
            elif name not in known_extra:
                found.append((f"{path}.{name}", known))
    elif shape.type_name == "list" and isinstance(value, list):
        for index, item in enumerate(value):
            found += unknown_members(shape.member, item, f"{path}[{index}]")
    elif shape.type_name == "map" and isinstance(value, dict):
        for key, item in value.items():
            found += unknown_members(shape.value, item, f"{path}.{key}")
    return found
