"""The krant app: wires the core to the screens, and routes what threads report back to the right pane.

It loads the folder into the Library in a thread, applies what the loader and live updates report (every
change to the library goes through `update_library`), opens articles, and carries out the keys that act
on posts (read marks, links). The main screen owns what its panes show; built by `make_app`.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from dataclasses import replace
from datetime import datetime
from functools import partial
from pathlib import Path

from textual import events, on, work
from textual.app import App, SuspendNotSupported, SystemCommand
from textual.binding import Binding
from textual.css.query import NoMatches
from textual.markup import escape
from textual.screen import Screen
from textual.theme import BUILTIN_THEMES
from textual.timer import Timer
from textual.widgets import Input
from textual.worker import Worker, WorkerState, get_current_worker

from tui.core.arrivals import arrival_notice
from tui.core.article import Article, read_article
from tui.core.body_text import is_safe_link
from tui.core.body_text import warm_up as warm_up_body_text
from tui.core.config import Action, CommandSpec, Config, LoadedConfig, check_keys, default_path
from tui.core.desktop import Desktop, Outcome
from tui.core.document import Link, document_links
from tui.core.document import warm_up as warm_up_document
from tui.core.error_log import log_errors_to
from tui.core.index import PostIndex
from tui.core.library import ALL, Change, Library
from tui.core.loader import load_batches, prepare_workers
from tui.core.locations import Locations
from tui.core.post import Post, Problem
from tui.core.query import MarkSnapshot, Query, parse
from tui.core.read_marks import ReadMarks
from tui.core.reading import read_post_text, site_of
from tui.core.resume import Place, Resume, Snapshot
from tui.core.sanitize import clean_line
from tui.core.saved_searches import SearchesStore
from tui.core.settings import SettingsStore
from tui.core.site import folder_name
from tui.core.unread import UnreadCounts, find_unread, next_with_unread
from tui.core.updates import FolderUpdates
from tui.core.user_commands import (
    editor_command,
    fields_of,
    missing_fields,
    pipe_command,
    run_in_background,
    run_in_terminal,
)
from tui.core.wording import how_many
from tui.ui.article_text import article_text
from tui.ui.commands import CategoryCommands
from tui.ui.keys import actions_of, key_shown, keymap_for_textual
from tui.ui.live_updates import Applied, LiveUpdates
from tui.ui.messages import (
    ArticleLoaded,
    BrowserDone,
    ClipboardDone,
    CommandChecked,
    CommandDone,
    FolderChanged,
    IndexChanged,
    LoadFailed,
    MarksSynced,
    PipeReady,
    PostsLoaded,
    ResumeNotSaved,
)
from tui.ui.screens.confirm import ConfirmScreen
from tui.ui.screens.help import HelpScreen, help_rows
from tui.ui.screens.links import LinksScreen
from tui.ui.screens.main import WIDE_COLUMNS, MainScreen
from tui.ui.screens.prompt import PromptScreen
from tui.ui.screens.reader import ReaderScreen
from tui.ui.sync_updates import SyncUpdates
from tui.ui.textual_internals import add_bindings, normalized_key, sub_title_without_repaint
from tui.ui.widgets.article_body import ArticleBody
from tui.ui.widgets.article_view import ArticleView
from tui.ui.widgets.cursor_list import CursorList
from tui.ui.widgets.problem_list import ProblemList
from tui.ui.widgets.search_bar import SearchBar
from tui.ui.widgets.sidebar import EntryKind, Sidebar

MARKS_REFRESH_SECONDS = 3.0
"""How often to look for read marks made by another krant window on the same folder."""
READING_NOTICE_DELAY = 0.15
"""Seconds an opened post's body may take before its header, "Reading…" and read mark show without it."""
LOADING_APPLY_SECONDS = 1.0
"""While the folder is read, its batches are applied and drawn together at most this often (the first at
once): each apply redraws the list, sidebar and header, and on two cores every bit of the UI's work is
taken from the reading processes (once a second: a 100,000-post cold start ~0.5 s sooner than at 0.5 s)."""
APPLY_PER_TURN = 4_000
"""Loaded posts applied to the library in one turn of the UI's loop at most (a few tens of ms)."""
PIPE_WIDTH = 80
"""Columns the article's text is laid out at for `|` (a pager or `wc` does not care about the screen)."""
ARRIVALS_NOTICE_DELAY = 1.5
"""Seconds over which arrivals are gathered into one notice ("3 new posts in buitenland")."""
RESUME_SAVE_SECONDS = 2.0
"""How often where the reader is gets saved when it changed (and always on quit)."""


TEXTUAL_COMMANDS_KEPT = frozenset({"Theme", "Quit"})
"""Textual's system commands that stay in the command palette."""


def local_now() -> datetime:
    return datetime.now().astimezone()


class KrantApp(App[None]):
    """Reads one folder of posts and lets the user browse and read them by keyboard."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CategoryCommands}

    sub_title = sub_title_without_repaint()

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        # A priority binding: the app handles `/` before forwarding the keys queued after it, so a query
        # typed (or pasted) straight after `/` lands in the search box rather than on the list.
        Binding("slash", "search", "Search", key_display="/", priority=True, id="app.search"),
        # A control key, so that it works in the search box too.
        # Shown (and working) only while searching: see check_action.
        Binding("ctrl+o", "search_order", "Best/newest first", id="app.search-order"),
        Binding("n", "next_article", "Next unread", id="app.next"),
        Binding("p", "previous_article", "Previous unread", id="app.previous"),
        Binding("o", "open_link", "Browser", id="app.open-link"),
        Binding("y", "copy_link", "Copy link", id="app.copy-link"),
        Binding("L", "article_links", "Links", show=False, id="app.article-links"),
        Binding(
            "left_square_bracket",
            "category(-1)",
            "Prev category",
            key_display="[",
            show=False,
            id="app.previous-category",
        ),
        Binding(
            "right_square_bracket",
            "category(1)",
            "Next category",
            key_display="]",
            show=False,
            id="app.next-category",
        ),
        Binding("m", "toggle_read", "Read/unread", id="app.toggle-read"),
        Binding("s", "toggle_star", "Star", id="app.toggle-star"),
        Binding("A", "mark_category_read", "All read", id="app.mark-category-read"),
        Binding("M", "mark_above_read", "Read above", show=False, id="app.mark-above-read"),
        Binding("u", "undo_mark", "Undo", show=False, id="app.undo-mark"),
        Binding("U", "only_unread", "Unread only", id="app.only-unread"),
        Binding("escape,h", "close_article", "Back", show=False, id="app.back"),
        Binding("e", "edit", "Editor", show=False, id="app.edit"),
        Binding("vertical_line", "pipe", "Pipe", key_display="|", show=False, id="app.pipe"),
    ]

    def __init__(
        self,
        folder: Path,
        *,
        locations: Locations,
        clock: Callable[[], datetime],
        read_marks: ReadMarks,
        index: PostIndex,
        desktop: Desktop,
        include_unpublished: bool = False,
        watch: bool = True,
        poll: bool = False,
        config: LoadedConfig | None = None,
        sync_folder: Path | None = None,
    ) -> None:
        super().__init__()
        self.loaded_config = config or LoadedConfig(Config(), [], default_path())
        """The user's settings, and the mistakes found in their file (shown at start)."""
        self.config = self.loaded_config.config
        self.config_problems = list(self.loaded_config.problems)
        checked = check_keys(self.loaded_config, all_actions(self.config.commands), normalized_key)
        self.config_problems += checked.problems
        self.keymap = checked.keymap
        """The user's keys that can be used, by binding id."""
        self.commands = [each for each in self.config.commands if each.id not in checked.dropped_commands]
        """The user's own commands, each on its key."""
        add_bindings(
            self,
            (
                Binding(
                    normalized_key(each.key) or each.key,
                    f"run_command({number})",
                    each.name,
                    show=False,
                    id=each.id,
                )
                for number, each in enumerate(self.commands)
            ),
        )
        if self.config.wrap_width is not None:
            # Per instance: Textual reads the app's CSS from the instance when it starts.
            self.CSS = f"ArticleView > * {{ max-width: {self.config.wrap_width}; }}"
        self.desktop = desktop
        """The browser `o` opens and the clipboard tool `y` copies with."""
        prepare_workers()  # before Textual replaces sys.stderr (see there)
        self.folder = folder
        self.locations = locations
        self.clock = clock
        self.watch_folder = watch
        """Whether a folder watcher follows the folder while krant runs."""
        self.library = Library(folder, include_unpublished)
        self.index = index
        """The folder's post index: the first screen on a warm start, and search; closed on quit."""
        index.on_trouble = lambda: self.post_message(IndexChanged())  # from the thread that met it
        self._refill_idle = threading.Event()
        self._refill_idle.set()
        self.log_file = log_errors_to(locations.state_dir)
        """Where errors in krant's threads are written in detail (a notice says so when one happens)."""
        self.folder_updates = FolderUpdates(
            folder,
            lambda update: self.post_message(FolderChanged(update)),
            poll=poll,
            index=index,
            log_file=self.log_file,
        )
        """Watches the folder (once the load starts) and reads what changes in the watcher's thread."""
        self.settings_store = SettingsStore(locations.config_dir)
        self.read_marks = read_marks
        """Which posts are read; closed when the app ends. Marks change only through `unread`."""
        self.unread = UnreadCounts(read_marks)
        self.resume = Resume.open(folder, locations.state_dir)
        """Where the reader left off last time (gone to once the folder is read), kept up to date."""
        self._resume_pending: Place | None = self.resume.place if self.resume.place != Place() else None
        """The place to go back to, until it is gone to (or the user has pressed a key first)."""
        self._reopen_scroll: tuple[str, int] | None = None
        """The article reopened at start and how far it was scrolled then."""
        sync_folder = sync_folder if sync_folder is not None else self.config.sync_folder
        self.sync = (
            SyncUpdates(
                sync_folder,
                locations.state_dir,
                read_marks,
                lambda news: self.post_message(MarksSynced(news)),
            )
            if sync_folder is not None
            else None
        )
        """Marks and stars shared with other machines through the sync folder, when one is set."""
        self.arrivals_notice_delay = ARRIVALS_NOTICE_DELAY
        """Seconds over which arrivals are gathered into one notice."""
        self._index_notice_shown: str | None = None
        self._loader_idle = threading.Event()
        self._loader_idle.set()
        self._undo: tuple[str, dict[str, bool]] | None = None
        """The last mark-all (`A`) or mark-above (`M`): where it was and the marks from before it, for `u`."""
        self._notice_shown: str | None = None
        self._progress: tuple[int, int] = (0, 0)
        self._checking = False
        """A warm start: the index's posts are shown while the folder is checked against it."""
        self._queued: list[PostsLoaded] = []
        """Loader batches waiting to be applied together (see `LOADING_APPLY_SECONDS`)."""
        self._apply_timer: Timer | None = None
        self._last_applied = 0.0
        self._arrivals: Counter[str] = Counter()
        self._arrivals_timer: Timer | None = None
        self._request = 0
        self._opened: Post | None = None
        self._marked_on_open: tuple[int, dict[str, bool]] | None = None
        """The request that marked its post read when it opened, and the mark before: undone if the post
        then cannot be read."""
        """The post just opened, whose read mark and `new` marker are drawn when its article is."""
        self._opened_timer: Timer | None = None
        self._reader_warmed = False
        site = site_of(folder)
        self.site_name = clean_line(site.name_for(folder) if site is not None else folder_name(folder), 80)
        """What the header calls the folder: its site's title, else the folder (above `_posts`)."""
        self.title = f"krant — {self.site_name}"
        self.sub_title = "Reading posts…"

    # Start -----------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        main = MainScreen(
            self.clock,
            self.library,
            self.unread,
            self.index,
            folder_name=self.site_name,
            status_changed=self.refresh_status,
            is_new=self._is_new,
            new_keys=lambda: self.live.new_posts.keys(),
            searches=SearchesStore(self.locations.config_dir),
        )
        self._main = main
        self.live = LiveUpdates(self.library, self._change_library, self._show_change, main)
        self.live.new_posts.since(self.resume.last_seen)  # posts that came while krant was not running
        return main

    def _is_new(self, post: Post) -> bool:
        return self.live.new_posts.is_new(post)

    def on_mount(self) -> None:
        self.set_keymap(keymap_for_textual(self.keymap))
        loaded = self.settings_store.read()
        self._settings = loaded.settings
        if loaded.notice:
            self.notify(loaded.notice, severity="warning", markup=False, timeout=10)
        self._start_theme(loaded.settings.theme)
        if self.config_problems:
            self.notify(
                "\n".join(self.config_problems)
                + "\nThose settings keep their defaults (krant config shows them).",
                title="Settings",
                severity="warning",
                markup=False,
                timeout=20,
            )
        self.watch(self, "theme", self._remember_theme, init=False)
        self._show_state_notice()
        self._show_index_notice()
        for notice in self.main.saved.load().notices:
            self.notify(notice, title="Saved searches", severity="warning", markup=False, timeout=10)
        if self.resume.notice:
            self.notify(self.resume.notice, severity="warning", markup=False, timeout=10)
        self.set_interval(MARKS_REFRESH_SECONDS, self._refresh_marks)
        self.set_interval(RESUME_SAVE_SECONDS, self._save_resume)

    @on(MainScreen.Ready)
    def _start_loading(self) -> None:
        self.main.article_list.set_columns(self.config.columns, self.config.date_style)
        if not self.config.sidebar:
            self.main.add_class("-sidebar-hidden")
        self._load_folder()
        if self.sync is not None:
            self.sync.start()  # its news redraws the panes, so once they are there

    def on_unmount(self) -> None:
        gc.unfreeze()  # what `_keep_out_of_collections` set aside may be collected again
        self.folder_updates.stop()
        self.workers.cancel_group(self, "load")
        self.workers.cancel_group(self, "index")
        self._loader_idle.wait(timeout=30)  # the loader writes to the index until its current batch is done
        self._refill_idle.wait(timeout=30)  # and so does a refill of a damaged index
        self.main.search.close()
        self.main.saved.close()
        self.index.close()
        if self.sync is not None:
            self.sync.stop()
        self.read_marks.close()

    def _start_theme(self, chosen: str | None) -> None:
        """The theme chosen in the palette (remembered), else the config's, else Textual's default."""
        wanted = self.config.theme
        problem = theme_problem(self.loaded_config, self.available_themes)
        if problem is not None:
            self.config_problems.append(problem)
            wanted = None
        if chosen in self.available_themes:
            wanted = chosen
        if wanted is not None:
            self.theme = wanted

    def _remember_theme(self, theme: str) -> None:
        if theme == self._settings.theme:
            return
        self._settings = self._settings.with_theme(theme)
        try:
            self.settings_store.save(self._settings)
        except OSError as error:
            self.notify(f"Could not save the theme: {error}", severity="warning", markup=False)

    @property
    def main(self) -> MainScreen:
        """The main screen (the default screen, under any other)."""
        return self._main

    @property
    def loading(self) -> bool:
        """True until the first full read of the folder is done."""
        return self.main.content.loading

    # Loading ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="load", name="load folder")
    def _load_folder(self) -> None:
        worker = get_current_worker()
        self._loader_idle.clear()
        try:
            if self.watch_folder:
                self.folder_updates.start()  # before reading, so nothing changed during the read is missed
            checking = len(self.index) > 0
            with closing(load_batches(self.folder, index=self.index)) as batches:
                for batch in batches:
                    if worker.is_cancelled:
                        return
                    self.post_message(PostsLoaded(batch, checking=checking))
        finally:
            self._loader_idle.set()

    @on(PostsLoaded)
    def _posts_loaded(self, message: PostsLoaded) -> None:
        self._queued.append(message)
        wait = self._last_applied + LOADING_APPLY_SECONDS - time.monotonic()
        if message.batch.finished or wait <= 0:
            self._apply_queued()
        elif self._apply_timer is None:
            self._apply_timer = self.set_timer(wait, self._apply_queued)

    def _apply_queued(self) -> None:
        """Apply the loader's waiting batches in order, with one redraw for the posts they hold."""
        if self._apply_timer is not None:
            self._apply_timer.stop()
            self._apply_timer = None
        queued, self._queued = self._turns_worth(self._queued)
        if not queued:
            return
        self._last_applied = time.monotonic()
        last = queued[-1]
        self._progress = (last.batch.done, last.batch.total)
        self._checking = last.checking
        self.main.set_loading(bool(self._queued) or not last.batch.finished)
        results: list[Post | Problem] = []
        for message in queued:
            if message.batch.removed:
                if results:
                    self.update_library(results)
                    results = []
                self.update_library(removed=message.batch.removed)
            results.extend(message.batch.results)
        if results or not last.batch.removed:
            self.update_library(results)
        _keep_out_of_collections()
        self._go_back_to_where_left(final=False)
        if self._queued:  # the rest in a later turn, after the keys that came meanwhile
            self.call_later(self._apply_queued)
            return
        self._show_index_notice()
        if not self.loading:
            self._last_applied = 0.0  # the first batch of another load is shown at once
            self._load_finished()

    @staticmethod
    def _turns_worth(queued: list[PostsLoaded]) -> tuple[list[PostsLoaded], list[PostsLoaded]]:
        """The batches to apply now, at most `APPLY_PER_TURN` results (a big one split), and the rest.

        A warm start's second batch holds every post the index knows: applied whole, 100,000 of them held
        the screen for a second and more. In slices, keys pressed meanwhile are answered between them.
        """
        now: list[PostsLoaded] = []
        room = APPLY_PER_TURN
        for number, message in enumerate(queued):
            results = message.batch.results
            if len(results) <= room:
                now.append(message)
                room -= len(results)
                continue
            if room > 0:
                # Counted as done only when applied: the header's progress stays true.
                done = message.batch.done - len(results) + room
                head = replace(message.batch, results=results[:room], done=done)
                tail = replace(message.batch, results=results[room:], removed=())
                return [*now, PostsLoaded(head, checking=message.checking)], [
                    PostsLoaded(tail, checking=message.checking),
                    *queued[number + 1 :],
                ]
            return now, queued[number:]
        return now, []

    def _load_finished(self) -> None:
        applied = self.live.load_finished(self.article_view.post)
        if applied is not None:
            self._show_applied(applied)
        self._go_back_to_where_left(final=True)
        if not self._reader_warmed:
            self._reader_warmed = True
            self._warm_up_reader()

    @work(thread=True, exit_on_error=False, group="warm-up", name="warm up the reader")
    def _warm_up_reader(self) -> None:
        """Import the HTML converter and Markdown parser (~0.1 s) before the first article needs them."""
        warm_up_body_text()
        warm_up_document()

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self._apply_queued()
        self.main.set_loading(False)
        self.notify(f"Reading the folder stopped: {message.reason}", severity="error", markup=False)
        self.update_library()
        applied = self.live.load_finished(self.article_view.post)
        if applied is not None:
            self._show_applied(applied)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state is WorkerState.ERROR:
            self.post_message(LoadFailed(f"{type(event.worker.error).__name__}: {event.worker.error}"))

    # The library -------------------------------------------------------------------------------

    def update_library(
        self, results: Iterable[Post | Problem] = (), removed: Iterable[str | os.PathLike[str]] = ()
    ) -> Change:
        """Change the library (what is gone, then what was read) and redraw: every change comes here."""
        change = self._change_library(results, removed)
        self.main.show_library()
        self.refresh_status()
        return change

    def _change_library(
        self, results: Iterable[Post | Problem], removed: Iterable[str | os.PathLike[str]]
    ) -> Change:
        """`update_library` without the drawing, for live updates, which draw several changes at once."""
        change = self.library.update(results, removed)
        self.unread.library_changed(self.library, change)
        return change

    def _show_change(self, change: Change) -> None:
        """Draw what live updates changed (nothing, when they changed nothing)."""
        if not change.empty:
            self.main.show_library()
        self.refresh_status()

    def refresh_status(self) -> None:
        """Say in the header how loading goes, what the library holds, or what a search found."""
        self.sub_title = self._status()

    def _status(self) -> str:
        content = self.main.content
        if content.folder_gone:
            return "The folder is gone; waiting for it"
        if content.searching:
            return self.main.search.status()
        only_unread = " · only unread shown" if content.only_unread else ""
        if content.loading:
            done, total = self._progress
            verb = "Checking" if self._checking else "Reading"
            return (f"{verb} {done:,} of {total:,}" if total else "Reading posts…") + only_unread
        parts = [how_many(len(self.library), "post"), how_many(len(self.library.categories()), "category")]
        if self.library.problems:
            parts.append(how_many(len(self.library.problems), "problem"))
        parts.append(f"{self.unread.total:,} unread")
        return " · ".join(parts) + only_unread

    # Live updates ------------------------------------------------------------------------------

    @on(FolderChanged)
    def _folder_changed(self, message: FolderChanged) -> None:
        if not self.screen_stack:  # quitting: the watcher's last messages come after the screens went
            return
        applied = self.live.received(message.update, self.article_view.post)
        if applied is not None:
            self._show_applied(applied)

    def _show_applied(self, applied: Applied) -> None:
        """What a live update means beyond the list: notices, and the open article."""
        for notice in applied.notices:
            self.notify(notice, severity="warning", markup=False, timeout=10)
        if applied.folder_gone:
            self.notify(
                f"The folder {self.folder} is gone; krant is waiting for it to come back.",
                severity="warning",
                markup=False,
                timeout=10,
            )
        if applied.reread is not None:
            self.reread_article(applied.reread)
        elif applied.article_note is not None:
            self.article_view.add_note(applied.article_note)
        if applied.arrivals:
            self._arrivals.update(applied.arrivals)
            if self._arrivals_timer is None:
                self._arrivals_timer = self.set_timer(self.arrivals_notice_delay, self._announce_arrivals)

    def _announce_arrivals(self) -> None:
        self._arrivals_timer = None
        counts, self._arrivals = self._arrivals, Counter()
        if counts:
            self.notify(arrival_notice(counts), markup=False)

    def _seen(self, post: Post) -> None:
        """The post was opened, or the cursor moved onto it: it is no longer marked new."""
        if self.live.new_posts.seen(post):
            articles = self.main.article_list
            index = articles.index_of(post)
            if index is not None:
                articles.refresh_line(index)

    # Lists -----------------------------------------------------------------------------------

    @on(CursorList.Highlighted, "#articles")
    def _article_highlighted(self, message: CursorList.Highlighted) -> None:
        post = self.main.article_list.selected_post
        if post is not None:
            self._seen(post)
            if self.config.mark_read == "on_cursor" and self.unread.is_unread(post):
                self.unread.mark([post.key], True)
                self.marks_changed(post)

    @on(CursorList.Selected, "#articles")
    def _article_chosen(self, message: CursorList.Selected) -> None:
        post = self.main.article_list.selected_post
        if post is not None:
            self.open_post(post)

    def category_names(self) -> list[str]:
        return [name for name, _count in self.library.categories()]

    def go_to_category(self, name: str) -> None:
        """Select a category in the sidebar (from the command palette)."""
        sidebar = self.main.sidebar
        index = sidebar.index_of((EntryKind.CATEGORY, name))
        if index is not None:
            sidebar.move_cursor(index)
            self.main.article_list.focus()

    def action_category(self, step: int) -> None:
        sidebar = self.main.sidebar
        sidebar.move_cursor(sidebar.cursor + step)

    # Articles --------------------------------------------------------------------------------

    @property
    def reader(self) -> ReaderScreen | None:
        return self.screen if isinstance(self.screen, ReaderScreen) else None

    @property
    def article_view(self) -> ArticleView:
        """The article pane in use: the reader screen's, or the main screen's."""
        reader = self.reader
        return reader.article_view if reader is not None else self.main.article_view

    def on_resize(self, event: events.Resize) -> None:
        self.call_after_refresh(self._fit_reading_to_width, event.size.width)

    def _fit_reading_to_width(self, width: int) -> None:
        """Keep the open article open when the terminal changes width: beside the list once it is wide
        enough, on a screen of its own once it is not (a full-screen reader at 160 columns, or an
        article dropped when narrowing, were what resizing did)."""
        if width != self.size.width or not self.screen_stack:
            return  # resized again meanwhile: the last resize decides
        wide = width >= WIDE_COLUMNS
        if wide and self.reader is not None and isinstance(self.screen_stack[-2], MainScreen):
            self._leave_article(self.reader.article_view)  # reopened beside the list where it was
            post = self.reader.article_view.post
            self.pop_screen()
            if post is not None:
                self.call_after_refresh(self._reopen, post)
        elif not wide and self.reader is None and self.screen is self.main:
            view = self.main.article_view
            focused = self.focused
            if view.post is not None and focused is not None and view in focused.ancestors_with_self:
                self._leave_article(view)
                self.main.fit_width(width)  # before the main screen's own resize comes: no pane beside
                self.open_post(view.post)

    def _reopen(self, post: Post) -> None:
        self.main.fit_width(self.size.width)
        self._start_reading(post, focus=True)

    def open_post(self, post: Post) -> None:
        """Show a post, read and converted in a thread: drawn whole when it comes (the header and
        "Reading…" first only if that takes longer than `READING_NOTICE_DELAY`)."""
        if not self.main.wide and self.reader is None:
            self.push_screen(ReaderScreen(self.clock, self.library))
            self.call_after_refresh(self._start_reading, post)
        else:
            self._start_reading(post, focus=self.reader is None)

    def _start_reading(self, post: Post, *, focus: bool = False) -> None:
        self._show_opened()  # a post opened before this one
        self._leave_article(self.article_view)
        self._request += 1
        self._marked_on_open = None
        if self.config.mark_read != "never" and self.unread.is_unread(post):
            self._marked_on_open = (self._request, self.unread.mark([post.key], True))
        self._opened = post
        self._opened_timer = self.set_timer(READING_NOTICE_DELAY, self._reading_is_slow)
        self.article_view.show_reading(post, focus=focus)
        self._read_article(self._request, post)

    def _reading_is_slow(self) -> None:
        self._show_opened()
        self.article_view.show_reading_notice()

    def _show_opened(self) -> None:
        """Redraw what opening a post changed (its read mark and counts, its `new` marker).

        Done with its article, or when the article is slow to come: the screen is then drawn once.
        """
        if self._opened_timer is not None:
            self._opened_timer.stop()
            self._opened_timer = None
        if self._opened is not None:
            opened, self._opened = self._opened, None
            self._seen(opened)
            self.marks_changed(opened)

    def reread_article(self, post: Post) -> None:
        """Read the open article again (its file changed or moved), keeping the reader's place."""
        self._request += 1
        self._read_article(self._request, post, keep_scroll=True)

    @work(thread=True, exclusive=True, exit_on_error=False, group="article", name="read article")
    def _read_article(self, request: int, post: Post, keep_scroll: bool = False) -> None:
        article = read_article(post, self.folder)
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(request, article, keep_scroll=keep_scroll))

    @on(ArticleLoaded)
    def _article_loaded(self, message: ArticleLoaded) -> None:
        if message.request != self._request:
            return
        article = message.article
        if article.error is not None:
            self._could_not_read(message.request, article)
        self._show_opened()
        view = self.article_view
        view.show_article(article, keep_scroll=message.keep_scroll)
        if message.keep_scroll:
            return
        key = article.post.key
        if self._reopen_scroll is not None and self._reopen_scroll[0] == key:
            where: int | None = self._reopen_scroll[1]
        else:
            where = self.resume.position(key)  # an article left unfinished opens where it was left
        self._reopen_scroll = None
        if where:
            view.scroll_to_line(where)

    def _could_not_read(self, request: int, article: Article) -> None:
        """A post whose file cannot be read now (a folder made unreadable, a file gone bad) is a problem,
        listed with its reason, and opening it did not make it read."""
        if self._marked_on_open is not None and self._marked_on_open[0] == request:
            self.unread.restore(self._marked_on_open[1])
        self._marked_on_open = None
        post = article.post
        self.update_library([Problem(post.path, post.relpath, article.error or "it cannot be read")])
        self.marks_changed()

    def action_close_article(self) -> None:
        self._leave_article(self.article_view)
        if self.reader is not None:
            self.pop_screen()
        elif self.main.search.active and self.focused is not self.main.article_view:
            self.main.search.leave()
            return
        self.main.article_list.focus()

    def next_index(self, posts: Sequence[Post], index: int, step: int) -> int | None:
        """The row `n`/`p` go to from `index`: the next unread post that way, if any."""
        return find_unread(posts, index + step, step, self.unread.is_unread)

    def action_next_article(self) -> None:
        self._step_article(1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    @on(ArticleView.EndReached)
    def _article_end_reached(self, message: ArticleView.EndReached) -> None:
        self._step_article(1)

    def _step_article(self, step: int) -> None:
        """`n`/`p`: the next unread post in the list, else (wrapping) in the category, else elsewhere.

        With an article open, the post found is opened too.
        """
        main = self.main
        articles = main.article_list
        current = self.article_view.post
        kind, name = main.content.entry
        searching = main.content.searching
        if kind is not EntryKind.PROBLEMS or searching:
            index = articles.index_of(current) if current is not None else None
            if index is None:
                index = articles.cursor
            target = self.next_index(articles.posts, index, step)
            if target is None:
                target = self.next_index(articles.posts, -1 if step > 0 else len(articles.posts), step)
                if target is not None:
                    where = "the results" if searching else "the list" if kind is EntryKind.ALL else name
                    way, end = ("below", "top") if step > 0 else ("above", "bottom")
                    self.notify(
                        f"No unread posts {way} this one in {where}; went on from the {end}.", markup=False
                    )
            if target is not None:
                self._go_to_row(target, open_it=current is not None)
                return
        if searching:
            self.notify("No unread posts among the results.", markup=False)
            return
        self._step_elsewhere(step, open_it=current is not None)

    def _step_elsewhere(self, step: int, *, open_it: bool) -> None:
        """Nothing unread is left in this entry: go to the next category with unread posts, or All."""
        if self.unread.total == 0:
            self.notify("No unread posts anywhere.", markup=False)
            return
        main = self.main
        sidebar = main.sidebar
        entry = main.content.entry
        kind, name = entry
        destination = (EntryKind.ALL, ALL)
        if kind is EntryKind.CATEGORY:
            names = [each.name for each in sidebar.entries if each.kind is EntryKind.CATEGORY]
            found = next_with_unread(names, name, step, self.unread.in_category)
            if found is not None:
                destination = (EntryKind.CATEGORY, found)
        index = sidebar.index_of(destination)
        if index is None or entry == destination:
            self.notify("No unread posts anywhere.", markup=False)
            return
        # Not move_cursor: its Highlighted would refill the list later and lose the post chosen here.
        sidebar.rows_changed(cursor=index)
        main.choose_entry(destination)
        posts = main.article_list.posts
        target = find_unread(posts, 0 if step > 0 else len(posts) - 1, step, self.unread.is_unread)
        if target is None:
            self.notify("No unread posts anywhere.", markup=False)
            return
        self._go_to_row(target, open_it=open_it)
        here = f" in {name}"
        there = "All" if destination[0] is EntryKind.ALL else destination[1]
        self.notify(f"No unread posts left{here}; went to {there}.", markup=False)

    def _go_to_row(self, index: int, *, open_it: bool) -> None:
        articles = self.main.article_list
        articles.move_cursor(index)
        if open_it:
            self._start_reading(articles.posts[index])

    # Search ----------------------------------------------------------------------------------

    def action_search_order(self) -> None:
        """Ctrl+O while searching: results best first, or newest first."""
        if self.main.search.active:
            self.main.search.toggle_order()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """Which keys work (and show in the footer) where the user is."""
        # In a text field (the search box, a prompt) `/` is only a character: as the app's priority
        # binding it would be taken before the keys typed ahead of it, and a pasted `/usr/bin/less` came
        # out as `//usrbinless`.
        if action == "search" and isinstance(self.focused, Input):
            return False
        # Ctrl+O orders search results: shown, and working, only while searching.
        if action == "search_order":
            return getattr(self, "_main", None) is not None and self._main.content.searching
        return super().check_action(action, parameters)

    def action_search(self) -> None:
        """`/`: the search box above the list (from an article on its own screen too)."""
        if self.reader is not None:
            self.pop_screen()
            self.call_after_refresh(self.main.search.enter)
        elif self.screen is self.main:
            self.main.search.enter()

    def _show_index_notice(self) -> None:
        """Tell the user once when the post index had to be rebuilt or cannot be kept."""
        notice = self.index.notice
        if notice and notice != self._index_notice_shown:
            self.notify(notice, title="Post index", severity="warning", markup=False, timeout=10)
        self._index_notice_shown = notice

    @on(IndexChanged)
    def _index_changed(self, message: IndexChanged) -> None:
        """Trouble with the index mid-session: say so now, fill an emptied index again, search again."""
        self._show_index_notice()
        if self.index.take_refill():
            posts = sorted(self.library.all_posts(), key=lambda post: post.sort_key)  # copies too
            problems = self.library.problems
            self._refill_index([*(post.path for post in posts), *(problem.path for problem in problems)])
        self.main.search.library_changed()  # by title meanwhile (the index has a notice), bodies once back

    @work(thread=True, exit_on_error=False, group="index", name="refill index")
    def _refill_index(self, paths: list[str]) -> None:
        """Index the library's posts again after damage emptied the index (reads every file: a thread)."""
        worker = get_current_worker()
        self._refill_idle.clear()
        try:
            self.index.refill(paths, lambda: worker.is_cancelled)
        finally:
            self._refill_idle.set()
        if not worker.is_cancelled:
            self.post_message(IndexChanged(refilled=True))

    # Read state ------------------------------------------------------------------------------

    def marks_changed(self, post: Post | None = None) -> None:
        """Redraw counts, markers and header after read marks changed (here or in another window).

        `post`: only this post's mark changed, so only its row needs drawing again.
        """
        self.main.refresh_sidebar()
        self.main.stars_changed()
        if post is None:
            self.main.article_list.refresh()
        else:
            self.main.article_list.refresh_post(post)
        self.sub_title = self._status()
        self._show_state_notice()

    def _show_state_notice(self) -> None:
        """Tell the user about trouble with the read-state store, once for each new notice."""
        notice = self.read_marks.notice
        if notice and notice != self._notice_shown:
            self.notify(notice, title="Read state", severity="warning", markup=False, timeout=10)
        self._notice_shown = notice

    def _refresh_marks(self) -> None:
        if self.unread.refresh():
            self.marks_changed()
        else:
            self._show_state_notice()

    @on(MarksSynced)
    def _marks_synced(self, message: MarksSynced) -> None:
        """Other machines' marks or stars arrived (already in the store), or the journal has news."""
        assert self.sync is not None
        if self.sync.received(message.news, self.unread):
            self.marks_changed()
        for notice in message.news.notices:
            self.notify(notice, title="Sync", severity="warning", markup=False, timeout=10)

    def action_toggle_read(self) -> None:
        post = self.current_post()
        if post is None:
            self.notify("No article to mark.", markup=False)
            return
        read = self.unread.toggle(post.key)
        self.marks_changed()
        self.notify(f"Marked {'read' if read else 'unread'}: {post.title}", markup=False)

    def action_toggle_star(self) -> None:
        """`s`: star the selected or open post (saved for later), or unstar it."""
        post = self.current_post()
        if post is None:
            self.notify("No article to star.", markup=False)
            return
        starred = self.unread.toggle_star(post.key)  # every copy of its story
        self.marks_changed()
        self.notify(f"{'Starred' if starred else 'Unstarred'}: {post.title}", markup=False)

    def action_mark_above_read(self) -> None:
        """`M`: mark every post above the cursor in the list read (`u` undoes it, as after `A`)."""
        articles = self.main.article_list
        if not articles.display:
            self.notify("Choose a category to mark as read.", markup=False)
            return
        above = articles.posts[: max(articles.cursor, 0)]
        keys = [post.key for post in above if self.unread.is_unread(post)]
        if not keys:
            self.notify("No unread posts above this one.", markup=False)
            return
        self._undo = (" above it", self.unread.mark(keys, True))
        self.marks_changed()
        posts = f"{len(keys):,} post{'s' if len(keys) != 1 else ''}"
        self.notify(f"Marked {posts} above this one as read (u undoes).", markup=False)

    def action_mark_category_read(self) -> None:
        kind, name = self.main.content.entry
        if kind is EntryKind.PROBLEMS:
            self.notify("Choose a category to mark as read.", markup=False)
            return
        everywhere = kind is EntryKind.ALL
        where = "" if everywhere else f" in {name}"
        in_entry = self.main.entry_posts()
        if kind in (EntryKind.STARRED, EntryKind.SAVED, EntryKind.MUTED):  # no count kept: count the list
            count = sum(self.unread.is_unread(post) for post in in_entry)
        else:
            count = self.unread.total if everywhere else self.unread.in_category(name)
        if count == 0:
            self.notify(f"No unread posts{where}.", markup=False)
            return
        keys = [post.key for post in in_entry]
        posts = f"{'all ' if everywhere else ''}{count:,} post{'s' if count != 1 else ''}"

        def answered(yes: bool | None) -> None:
            if yes:
                self._undo = (where, self.unread.mark(keys, True))
                self.marks_changed()
                self.notify(f"Marked {posts}{where} as read (u undoes).", markup=False)

        self.push_screen(ConfirmScreen(f"Mark {posts}{where} as read?"), answered)

    def action_undo_mark(self) -> None:
        if self._undo is None:
            self.notify("Nothing to undo.", markup=False)
            return
        where, marks = self._undo
        self._undo = None
        self.unread.restore(marks)
        self.marks_changed()
        count = sum(not read for read in marks.values())
        self.notify(f"Undone: {count:,} post{'s' if count != 1 else ''}{where} unread again.", markup=False)

    def action_only_unread(self) -> None:
        only_unread = self.main.toggle_only_unread()
        self.refresh_status()
        self.notify("Showing only unread posts." if only_unread else "Showing all posts.", markup=False)

    # Where you left off ----------------------------------------------------------------------

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key | events.MouseDown):
            self._resume_pending = None  # the user has begun elsewhere: krant does not move them
        await super().on_event(event)

    def _go_back_to_where_left(self, *, final: bool) -> None:
        """Show the entry, post and article of last time, once they are read (`final`: the folder is
        read; go to what is there of them). Only while the user has not pressed a key yet."""
        place = self._resume_pending
        if place is None:
            return
        main, unread = self.main, self.unread
        entry = _entry_of(place.entry)
        index = main.sidebar.index_of(entry) if entry is not None else None
        selected = unread.post_with_key(place.selected) if place.selected else None
        opened = unread.post_with_key(place.opened) if place.opened else None
        if not final and (
            (entry is not None and index is None)
            or (place.selected and selected is None)
            or (place.opened and opened is None)
        ):
            return  # not read yet: perhaps in a later batch
        self._resume_pending = None
        if entry is not None and index is not None and entry != main.content.entry:
            main.sidebar.rows_changed(cursor=index)  # not move_cursor: its Highlighted comes later
            main.choose_entry(entry)
        articles = main.article_list
        row = articles.index_of(selected) if selected is not None else None
        if row is not None:
            articles.rows_changed(cursor=row, top=max(0, row - articles.size.height // 3))
            self._seen(selected)
        if opened is not None:
            self._reopen_scroll = (opened.key, place.opened_scroll)
            self.open_post(opened)

    def _leave_article(self, view: ArticleView) -> None:
        """Note how far the article in `view` is read: an unfinished one opens there again."""
        post = view.post
        if post is None or not view.loaded:
            return
        if view.is_vertical_scroll_end:
            self.resume.read_to_end(post.key)
        else:
            self.resume.left_at(post.key, round(view.scroll_y))

    def _place(self) -> Place:
        main = self.main
        kind, name = main.content.entry
        selected = main.article_list.selected_post if main.article_list.display else None
        view = self.article_view
        opened = view.post if view.loaded else None
        return Place(
            entry=(kind.value, name),
            selected=selected.key if selected is not None else None,
            opened=opened.key if opened is not None else None,
            opened_scroll=round(view.scroll_y) if opened is not None else 0,
        )

    def _save_resume(self, *, final: bool = False) -> None:
        """Save where the reader is when it changed (in a thread); `final`: now, on quit."""
        if self._resume_pending is not None or not self.screen_stack:
            return  # not gone back there yet: what the file holds is still where the reader is
        try:
            self._leave_article(self.article_view)
            place = self._place()
        except NoMatches:
            return  # the panes are being taken down: quitting, whose own save came first
        snapshot = self.resume.snapshot(place, always=final)
        if snapshot is None:
            return
        if final:
            self.resume.save(snapshot)  # a few kB: no time to wait for a thread when quitting
        else:
            self._write_resume(snapshot)

    @work(thread=True, exit_on_error=False, group="resume", name="save where you left off")
    def _write_resume(self, snapshot: Snapshot) -> None:
        notice = self.resume.save(snapshot)
        if notice is not None:
            self.post_message(ResumeNotSaved(notice))

    @on(ResumeNotSaved)
    def _resume_not_saved(self, message: ResumeNotSaved) -> None:
        self.notify(message.notice, severity="warning", markup=False, timeout=10)

    async def action_quit(self) -> None:
        self._save_resume(final=True)
        await super().action_quit()

    # Links -----------------------------------------------------------------------------------

    def current_post(self) -> Post | None:
        """The post `o` and `y` act on: the open article where it has focus, else the list's row."""
        view = self.article_view
        if view.post is not None and (self.reader is not None or self.focused is view):
            return view.post
        main = self.main
        if isinstance(self.focused, ProblemList | Sidebar) and view.post is not None:
            return view.post
        return main.article_list.selected_post if main.article_list.display else view.post

    def action_open_link(self) -> None:
        post = self.current_post()
        if post is None or not post.link:
            self.notify("This article has no link.", markup=False)
        else:
            self.open_web_link(post.link)

    def open_web_link(self, url: str) -> None:
        """Open a link in the browser when it is a web link (http or https); otherwise say why not."""
        if is_safe_link(url):
            self._open_in_browser(url)
        else:
            self.notify(
                f"Not opened: only http and https links open from krant ({url}).",
                severity="warning",
                markup=False,
            )

    @work(thread=True, exit_on_error=False, group="desktop", name="open in the browser")
    def _open_in_browser(self, url: str) -> None:
        self.post_message(BrowserDone(url, self.desktop.open_url(url)))

    @on(BrowserDone)
    def _browser_done(self, message: BrowserDone) -> None:
        outcome = message.outcome
        if outcome.done:
            self.notify(f"Opened {message.url} in the browser (with {outcome.program}).", markup=False)
            return
        self.notify(
            f"Could not open {message.url} in a browser: {outcome.reason}. Press y to copy the link instead.",
            severity="warning",
            markup=False,
            timeout=10,
        )

    @on(ArticleBody.LinkClicked)
    def _link_clicked(self, message: ArticleBody.LinkClicked) -> None:
        self.follow_link(message.href)

    def follow_link(self, href: str) -> None:
        """A link of the open article: to another post of the folder it opens that post in krant, else
        (its own address too) the browser (web links only)."""
        url = self._resolved(href)
        post = self._post_at(href, url)
        if post is not None and post.path != getattr(self.article_view.post, "path", None):
            self.open_post(post)
        else:
            self.open_web_link(url)

    def _resolved(self, href: str) -> str:
        """A link as written in the open article, made absolute against its site's address when known."""
        post, site = self.article_view.post, site_of(self.folder)
        if post is None or site is None:
            return href
        return site.resolve_link(href, os.path.relpath(post.path, site.root).replace(os.sep, "/"))

    def _post_at(self, href: str, url: str) -> Post | None:
        """The post of this folder a link leads to: a file beside the open one, or a post's address."""
        post = self.article_view.post
        if post is not None and href and "://" not in href and not href.startswith(("#", "/", "mailto:")):
            beside = os.path.normpath(os.path.join(os.path.dirname(post.path), href.split("#")[0]))
            if (found := self.library.get(beside)) is not None:
                return found
        wanted = url.split("#")[0].rstrip("/")
        if not is_safe_link(wanted):
            return None
        linked = (each for each in self.library.posts if each.link and each.link.rstrip("/") == wanted)
        return next(linked, None)

    def action_article_links(self) -> None:
        """`L`: the open article's links in a list, to open one with the keyboard."""
        view = self.article_view
        if view.post is None or not view.loaded:
            self.notify("Open an article first: L lists its links.", markup=False)
            return
        post = view.post
        header = [Link("The article's link", post.link)] if post.link else []
        if post.image:
            header.append(Link("The article's image", post.image))
        links = header + [
            Link(link.text, self._resolved(link.href)) for link in document_links(view.document)
        ]
        if not links:
            self.notify("This article has no links.", markup=False)
            return
        self.push_screen(LinksScreen(links), self._link_chosen)

    def _link_chosen(self, url: str | None) -> None:
        if url is not None:
            self.follow_link(url)

    def action_copy_link(self) -> None:
        post = self.current_post()
        if post is None or not post.link:
            self.notify("This article has no link.", markup=False)
            return
        self.copy_to_clipboard(post.link)  # through the terminal (OSC 52), which may ignore it
        self._copy_with_tool(post.link)

    @work(thread=True, exit_on_error=False, group="desktop", name="copy with the clipboard tool")
    def _copy_with_tool(self, text: str) -> None:
        self.post_message(ClipboardDone(text, self.desktop.copy(text)))

    @on(ClipboardDone)
    def _clipboard_done(self, message: ClipboardDone) -> None:
        outcome = message.outcome
        if outcome.done:
            self.notify(
                f"Copied {message.text} to the clipboard (with {outcome.program}, and through the terminal).",
                markup=False,
            )
            return
        tool = f"{outcome.program} did not copy it: {outcome.reason}" if outcome.program else outcome.reason
        self.notify(
            f"Sent {message.text} to the terminal's clipboard (OSC 52), which tmux and some terminals "
            f"ignore; {tool}.",
            severity="warning",
            markup=False,
            timeout=10,
        )

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            commands = [(each.key, f"{each.name}: {each.run}") for each in self.commands]
            self.push_screen(HelpScreen(help_rows(self.keys_in_effect(), commands)))

    def keys_in_effect(self) -> dict[str, list[str]]:
        """Every action's keys as they are now: the user's where `[keys]` gives them, else its own."""
        actions = all_actions(self.commands)
        return {action.id: list(self.keymap.get(action.id, action.keys)) for action in actions.values()}

    # The user's programs -----------------------------------------------------------------------

    def action_run_command(self, number: int) -> None:
        """One of the user's `[[commands]]`, on the current post."""
        spec = self.commands[number]
        post = self.current_post()
        if post is None:
            self.notify(f"{spec.name}: no article chosen.", markup=False)
            return
        missing = missing_fields(spec.argv, post)
        if missing:
            self.notify(f"{spec.name}: this article has no {missing[0]}.", markup=False)
            return
        if spec.when is None:
            self._run_command(spec, post)
        else:  # a query, run in the index (a thread): does it find this post (or a copy of its story)?
            paths = frozenset(each.path for each in self.library.copies(post))
            query = parse(spec.when, prefix_last=False)
            self._check_command(number, post, paths, query, self.main.marks_now(query.states))

    @work(thread=True, exit_on_error=False, group="commands", name="check a command's when")
    def _check_command(
        self, number: int, post: Post, paths: frozenset[str], query: Query, marks: MarkSnapshot
    ) -> None:
        found = not paths.isdisjoint(self.index.matching(query, marks=marks))
        self.post_message(CommandChecked(number, post, found))

    @on(CommandChecked)
    def _command_checked(self, message: CommandChecked) -> None:
        spec = self.commands[message.number]
        if message.applies:
            self._run_command(spec, message.post)
        else:
            self.notify(f"{spec.name} is only for posts matching {spec.when}.", markup=False)

    def _run_command(self, spec: CommandSpec, post: Post) -> None:
        argv = spec.arguments(fields_of(post))
        if spec.terminal:
            self._run_on_terminal(spec.name, argv)
        else:
            self._run_in_background(spec, argv)

    @work(thread=True, exit_on_error=False, group="commands", name="run a command")
    def _run_in_background(self, spec: CommandSpec, argv: list[str]) -> None:
        self.post_message(CommandDone(spec.name, run_in_background(argv)))

    @on(CommandDone)
    def _command_done(self, message: CommandDone) -> None:
        self._report(message.name, message.outcome)

    def _report(self, name: str, outcome: Outcome) -> None:
        program = outcome.program or name
        if outcome.done:
            self.notify(f"{name}: {program} {outcome.reason.removeprefix('it ')}.", markup=False)
        else:
            self.notify(f"{name}: {program}: {outcome.reason}.", severity="warning", markup=False, timeout=10)

    def _run_on_terminal(self, name: str, argv: list[str], text: str | None = None) -> None:
        """Step aside from the terminal while a program uses it, then come back and say how it ended."""
        try:
            with self.suspend():
                outcome = run_in_terminal(argv, text)
        except SuspendNotSupported:
            self.notify(
                f"{name}: krant cannot step aside from this terminal.", severity="warning", markup=False
            )
            return
        self.refresh(layout=True)
        self._report(name, outcome)

    def action_edit(self) -> None:
        """`e`: the article's file in the user's editor (read-only where the editor allows it)."""
        post = self.current_post()
        if post is None:
            self.notify("No article to open in the editor.", markup=False)
            return
        self._run_on_terminal("Editor", editor_command(post.path))

    def action_pipe(self) -> None:
        """`|`: ask for a command, and send it the article's text on its standard input."""
        post = self.current_post()
        if post is None:
            self.notify("No article to send to a command.", markup=False)
            return

        def answered(line: str | None) -> None:
            if not line:
                return
            try:
                argv = pipe_command(line)
            except ValueError as error:
                self.notify(f"Cannot run {line}: {error}.", severity="warning", markup=False)
                return
            self._make_pipe_text(post, argv)

        self.push_screen(PromptScreen(f"Send {post.title} to the command:", "less"), answered)

    @work(thread=True, exit_on_error=False, group="commands", name="article text for a pipe")
    def _make_pipe_text(self, post: Post, argv: list[str]) -> None:
        result = read_post_text(Path(post.path), self.folder)
        if isinstance(result, Problem):
            self.post_message(PipeReady(argv, None, result.reason))
        else:
            self.post_message(PipeReady(argv, article_text(result, PIPE_WIDTH)))

    @on(PipeReady)
    def _pipe_ready(self, message: PipeReady) -> None:
        if message.text is None:
            self.notify(f"The article cannot be read: {message.reason}.", severity="warning", markup=False)
            return
        self._run_on_terminal(message.argv[0], message.argv, message.text)

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        # Of Textual's own, only what works and helps here: its Keys panel does not close with Esc,
        # Maximize and Screenshot do nothing a reader needs.
        for command in super().get_system_commands(screen):
            if command.title in TEXTUAL_COMMANDS_KEPT:
                yield command
        yield SystemCommand(
            "Open in browser", "Open the article's link in the browser", self.action_open_link
        )
        yield SystemCommand("Copy link", "Copy the article's link to the clipboard", self.action_copy_link)
        yield SystemCommand("Help", "Show all keys", self.action_help)
        yield SystemCommand("Search", "Search the titles and text of every post", self.action_search)
        yield SystemCommand(
            "Mark category read", "Mark every post in this category as read", self.action_mark_category_read
        )
        yield SystemCommand("Only unread", "Show only unread posts, or all again", self.action_only_unread)
        yield SystemCommand(
            "Open in editor", "Open the article's file in $VISUAL or $EDITOR", self.action_edit
        )
        yield SystemCommand("Pipe to a command", "Send the article's text to a command", self.action_pipe)
        for number, spec in enumerate(self.commands):
            # The palette reads titles and help as markup: the user's text is escaped (`[/]` crashed it).
            yield SystemCommand(escape(spec.name), escape(spec.run), partial(self.action_run_command, number))
        yield SystemCommand(
            "Star / unstar",
            "Save the article for later (Starred in the sidebar), or unstar it",
            self.action_toggle_star,
        )
        yield SystemCommand(
            "Mark above read",
            "Mark every post above the cursor as read (u undoes)",
            self.action_mark_above_read,
        )

        yield from self.main.saved_search_commands()


def _entry_of(stored: tuple[str, str] | None) -> tuple[EntryKind, str] | None:
    """A sidebar entry as `Resume` stores it, or None when there is none (or it is not understood)."""
    if stored is None:
        return None
    try:
        return (EntryKind(stored[0]), stored[1])
    except ValueError:
        return None


KEY_HOLDERS = (
    KrantApp,
    MainScreen,
    ReaderScreen,
    CursorList,
    ArticleView,
    SearchBar,
    HelpScreen,
    LinksScreen,
    ConfirmScreen,
    PromptScreen,
)
"""Every class whose bindings the user may rebind (`[keys]`), in the order `krant config --keys` lists."""


def all_actions(commands: Sequence[CommandSpec] = ()) -> dict[str, Action]:
    """Every action a key can do, by its binding id, the user's commands last."""
    return actions_of(KEY_HOLDERS, commands)


def theme_problem(loaded: LoadedConfig, themes: Iterable[str]) -> str | None:
    """The problem with the config's theme, if it names none of these."""
    wanted = loaded.config.theme
    if wanted is None or wanted in themes:
        return None
    return loaded.problem(f"theme: no theme called {wanted!r} (known: {', '.join(sorted(themes))})", "theme")


def config_problems(loaded: LoadedConfig) -> list[str]:
    """Every mistake in the settings: the file's own, then its keys' and theme's (which need the UI)."""
    problems = (
        loaded.problems + check_keys(loaded, all_actions(loaded.config.commands), normalized_key).problems
    )
    theme = theme_problem(loaded, BUILTIN_THEMES)
    return problems + ([theme] if theme else [])


def key_lines(loaded: LoadedConfig) -> list[str]:
    """`krant config --keys`: each action's id, its keys in effect and what it does, in columns."""
    app_keys = check_keys(loaded, all_actions(loaded.config.commands), normalized_key)
    rows = [
        (
            action.id,
            " ".join(clean_line(key_shown(key)) for key in app_keys.keymap.get(action.id, action.keys)),
            clean_line(action.description),
        )
        for action in all_actions(loaded.config.commands).values()
        if action.id not in app_keys.dropped_commands
    ]
    width = max(len(row[0]) for row in rows) + 2
    keys_width = max(len(row[1]) for row in rows) + 2
    return [f"{action:<{width}}{keys:<{keys_width}}{what}".rstrip() for action, keys, what in rows]


def _keep_out_of_collections() -> None:
    """Leave the objects alive now (the posts just loaded, above all) out of Python's cyclic collections.

    A full collection looks at every object: with 100,000 posts it pauses the screen ~0.1 s, and while a
    folder loads it came five times (~0.3 s of the UI's CPU). Posts hold no cycles and are still freed
    when they go; what stays set aside is cyclic garbage of objects alive now, until krant quits.
    """
    gc.freeze()


def make_app(
    folder: Path,
    *,
    locations: Locations | None = None,
    clock: Callable[[], datetime] | None = None,
    include_unpublished: bool = False,
    watch: bool = True,
    poll: bool = False,
    read_marks: ReadMarks | None = None,
    index: PostIndex | None = None,
    desktop: Desktop | None = None,
    config: LoadedConfig | None = None,
    sync_folder: Path | None = None,
) -> KrantApp:
    """Build the app with its parts: tests pass a tmp folder, tmp locations and a fixed clock.

    The read marks are opened from `locations.state_dir` and the post index from `locations.cache_dir`
    unless they are given; the app closes both on quit. Opening the index is a file open (a broken one is
    moved aside at once); filling it happens in the load worker.
    """
    locations = locations or Locations.default()
    return KrantApp(
        folder,
        locations=locations,
        clock=clock or local_now,
        read_marks=read_marks or ReadMarks.open(folder, locations.state_dir),
        index=index if index is not None else PostIndex.open(folder, locations),
        desktop=desktop or Desktop(browser=config.config.browser if config else None),
        include_unpublished=include_unpublished,
        watch=watch,
        poll=poll,
        config=config,
        sync_folder=sync_folder,
    )


def run_app(
    folder: Path,
    *,
    poll: bool = False,
    include_unpublished: bool = False,
    config: LoadedConfig | None = None,
    sync_folder: Path | None = None,
) -> int:
    """Run krant on a folder until the user quits; the exit status for the shell."""
    make_app(
        folder, poll=poll, include_unpublished=include_unpublished, config=config, sync_folder=sync_folder
    ).run()
    return 0
