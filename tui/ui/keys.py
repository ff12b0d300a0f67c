"""Every action a key can do, by its binding id: what `[keys]` may rebind and `krant config --keys` lists.

The actions are collected from the bindings of the app, its screens and widgets (each `Binding` has an
`id`), and the user's own commands; their keys are shown as the help screen and the footer show them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from textual.binding import Binding
from textual.dom import DOMNode
from textual.keys import format_key

from tui.core.config import Action, CommandSpec
from tui.ui.textual_internals import normalized_key

SAME_KEYS = {"main": "app"}
"""Namespaces whose keys are looked up together with the app's (the main screen is under every other),
so a key given to two of them is a clash. The reader screen's only key is the app's own Back again."""

KEY_NAMES = {
    "escape": "Esc",
    "enter": "Enter",
    "space": "Space",
    "tab": "Tab",
    "down": "↓",
    "up": "↑",
    "left": "←",
    "right": "→",
    "home": "Home",
    "end": "End",
    "pageup": "PgUp",
    "pagedown": "PgDn",
    "delete": "Del",
    "backspace": "Backspace",
    "insert": "Ins",
}


def actions_of(holders: Iterable[type[DOMNode]], commands: Sequence[CommandSpec] = ()) -> dict[str, Action]:
    """Every binding with an id in these classes (inherited ones once), then each command, by id."""
    actions: dict[str, Action] = {}
    for holder in holders:
        for binding in Binding.make_bindings(holder.BINDINGS):
            if binding.id is None:
                continue
            namespace = binding.id.partition(".")[0]
            namespace = SAME_KEYS.get(namespace, namespace)
            known = actions.get(binding.id)
            keys = (*known.keys, binding.key) if known is not None else (binding.key,)
            actions[binding.id] = Action(binding.id, namespace, keys, binding.description)
    for command in commands:
        actions[command.id] = Action(command.id, "app", (command.key,), command.name, command=command.entry)
    return actions


def keymap_for_textual(keymap: Mapping[str, Sequence[str]]) -> dict[str, str]:
    """The keymap as `App.set_keymap` takes it: each action's keys in one text, comma-separated."""
    return {action: ",".join(normalized_key(key) or key for key in keys) for action, keys in keymap.items()}


def key_shown(key: str) -> str:
    """A key as people write it: `j`, `?`, `Esc`, `↓`, `Ctrl+P`, `Shift+Tab`."""
    *modifiers, name = key.split("+") if key != "+" else ["+"]
    shown = KEY_NAMES.get(name) or (name if len(name) == 1 else format_key(name))
    if len(shown) == 1 and not modifiers:
        return shown
    return "+".join([*(modifier.capitalize() for modifier in modifiers), shown[:1].upper() + shown[1:]])


def keys_text(keys_per_action: Sequence[Sequence[str]]) -> str:
    """The keys of one help row: `Enter / l` for one action, `j / k, ↓ / ↑` for a pair such as down/up
    (each pair of alternatives together, one-letter keys first), `Ctrl+N / k ↑` when they differ."""
    if len(keys_per_action) == 1:
        return " / ".join(key_shown(key) for key in keys_per_action[0])
    ordered = [sorted(keys, key=lambda key: len(key) > 1) for keys in keys_per_action]
    if len({len(keys) for keys in ordered}) == 1:
        pairs = zip(*ordered, strict=True)
        return ", ".join(" / ".join(key_shown(key) for key in together) for together in pairs)
    return " / ".join(" ".join(key_shown(key) for key in keys) for keys in ordered)
