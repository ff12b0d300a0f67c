"""The krant app: loads a folder into a Library in a thread and shows it; built by `make_app`."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from pathlib import Path

from textual import on, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.worker import Worker, WorkerState, get_current_worker

from tui.commands import CategoryCommands
from tui.library import Change, Library
from tui.loader import load_batches
from tui.locations import Locations
from tui.messages import Article, ArticleLoaded, LoadFailed, PostsLoaded
from tui.posts import Post, Problem, read_post_text
from tui.render import is_safe_link, render_body
from tui.screens.help import HelpScreen
from tui.screens.main import MainScreen
from tui.screens.reader import ReaderScreen
from tui.settings import SettingsStore
from tui.widgets.article_view import ArticleView
from tui.widgets.line_list import CursorList
from tui.widgets.problem_list import ProblemList
from tui.widgets.sidebar import EntryKind, Sidebar


def local_now() -> datetime:
    return datetime.now().astimezone()


class KrantApp(App[None]):
    """Reads one folder of posts and lets the user browse and read them by keyboard."""

    CSS_PATH = "app.tcss"
    COMMANDS = App.COMMANDS | {CategoryCommands}

    BINDINGS = [
        Binding("q", "quit", "Quit", id="app.quit"),
        Binding("question_mark", "help", "Help", key_display="?", id="app.help"),
        Binding("o", "open_link", "Browser", id="app.open-link"),
        Binding("y", "copy_link", "Copy link", id="app.copy-link"),
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
        Binding("n", "next_article", "Next", show=False, id="app.next"),
        Binding("p", "previous_article", "Previous", show=False, id="app.previous"),
        Binding("escape,h", "close_article", "Back", show=False, id="app.back"),
    ]

    def __init__(
        self,
        folder: Path,
        *,
        locations: Locations,
        clock: Callable[[], datetime],
        include_unpublished: bool = False,
        watch: bool = True,
        poll: bool = False,
    ) -> None:
        super().__init__()
        self.folder = folder
        self.locations = locations
        self.clock = clock
        self.watch_folder = watch
        """Whether a folder watcher should run (wired in by the live-updates work)."""
        self.poll = poll
        self.library = Library(folder, include_unpublished)
        self.settings_store = SettingsStore(locations.config_dir)
        self.loading = True
        """True until the first full read of the folder is done."""
        self._progress: tuple[int, int] = (0, 0)
        self._request = 0
        self.title = f"krant — {folder.name or folder}"
        self.sub_title = "Reading posts…"

    # Start -----------------------------------------------------------------------------------

    def get_default_screen(self) -> Screen:
        return MainScreen(self.clock)

    def on_mount(self) -> None:
        loaded = self.settings_store.load()
        self._settings = loaded.settings
        if loaded.notice:
            self.notify(loaded.notice, severity="warning", markup=False, timeout=10)
        if loaded.settings.theme in self.available_themes:
            self.theme = loaded.settings.theme
        self.watch(self, "theme", self._remember_theme, init=False)

    @on(MainScreen.Ready)
    def _start_loading(self) -> None:
        self._load_folder()

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
        screen = self.screen_stack[0]
        assert isinstance(screen, MainScreen)
        return screen

    # Loading ---------------------------------------------------------------------------------

    @work(thread=True, exit_on_error=False, group="load", name="load folder")
    def _load_folder(self) -> None:
        worker = get_current_worker()
        for batch in load_batches(self.folder):
            if worker.is_cancelled:
                return
            self.post_message(PostsLoaded(batch))

    @on(PostsLoaded)
    def _posts_loaded(self, message: PostsLoaded) -> None:
        batch = message.batch
        self._progress = (batch.done, batch.total)
        self.loading = not batch.finished
        self.apply_results(batch.results)

    @on(LoadFailed)
    def _load_failed(self, message: LoadFailed) -> None:
        self.loading = False
        self.notify(f"Reading the folder stopped: {message.reason}", severity="error", markup=False)
        self.library_changed(Change())

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.worker.group == "load" and event.state is WorkerState.ERROR:
            self.post_message(LoadFailed(f"{type(event.worker.error).__name__}: {event.worker.error}"))

    def apply_results(self, results: Iterable[Post | Problem]) -> Change:
        """Put freshly read files in the library and redraw; every change to the library comes here."""
        change = self.library.apply(results)
        self.library_changed(change)
        return change

    def remove_paths(self, paths: Iterable[Path]) -> Change:
        """Forget files that are gone and redraw."""
        change = self.library.remove(paths)
        self.library_changed(change)
        return change

    def library_changed(self, change: Change) -> None:
        """Redraw sidebar, list and header from the library, keeping the selection where it is."""
        self.main.show_library(self.library, loading=self.loading, folder_name=self.folder.name)
        self.sub_title = self._status()

    def _status(self) -> str:
        if self.loading:
            done, total = self._progress
            return f"Reading {done:,} of {total:,}" if total else "Reading posts…"
        parts = [f"{len(self.library):,} posts", f"{len(self.library.categories()):,} categories"]
        if self.library.problems:
            parts.append(f"{len(self.library.problems):,} problems")
        return " · ".join(parts)

    # Lists -----------------------------------------------------------------------------------

    @on(CursorList.Highlighted, "#sidebar")
    def _category_highlighted(self, message: CursorList.Highlighted) -> None:
        self.main.refresh_sidebar(self.library)
        self.main.show_entry(
            self.library,
            self.main.sidebar.selected,
            keep_selection=False,
            loading=self.loading,
            folder_name=self.folder.name,
        )

    @on(CursorList.Selected, "#sidebar")
    def _category_chosen(self, message: CursorList.Selected) -> None:
        main = self.main
        (main.problem_list if main.problem_list.display else main.article_list).focus()

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

    def open_post(self, post: Post) -> None:
        """Show a post: its header at once, its body when a thread has read and converted it."""
        if not self.main.wide and self.reader is None:
            self.push_screen(ReaderScreen(self.clock))
            self.call_after_refresh(self._start_reading, post)
        else:
            self._start_reading(post)
            if self.reader is None:
                self.main.article_view.focus()

    def _start_reading(self, post: Post) -> None:
        self._request += 1
        self.article_view.show_reading(post)
        self._read_article(self._request, post)

    @work(thread=True, exclusive=True, exit_on_error=False, group="article", name="read article")
    def _read_article(self, request: int, post: Post) -> None:
        result = read_post_text(post.path, self.folder)
        if isinstance(result, Problem):
            article = Article(post, None, result.reason)
        else:
            article = Article(result.post, render_body(result.body, is_html=result.post.is_html))
        if not get_current_worker().is_cancelled:
            self.post_message(ArticleLoaded(request, article))

    @on(ArticleLoaded)
    def _article_loaded(self, message: ArticleLoaded) -> None:
        if message.request == self._request:
            self.article_view.show_article(message.article)

    def action_close_article(self) -> None:
        if self.reader is not None:
            self.pop_screen()
        self.main.article_list.focus()

    def next_index(self, posts: Sequence[Post], index: int, step: int) -> int | None:
        """The row `n`/`p` go to from `index`; read state swaps this for "next unread"."""
        target = index + step
        return target if 0 <= target < len(posts) else None

    def action_next_article(self) -> None:
        self._step_article(1)

    def action_previous_article(self) -> None:
        self._step_article(-1)

    def _step_article(self, step: int) -> None:
        articles = self.main.article_list
        current = self.article_view.post
        index = articles.index_of(current) if current is not None else None
        if index is None:
            index = articles.cursor
        target = self.next_index(articles.posts, index, step)
        if target is None:
            self.notify("No next article." if step > 0 else "No previous article.", markup=False)
            return
        articles.move_cursor(target)
        if current is not None:
            self._start_reading(articles.posts[target])

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
        elif not is_safe_link(post.link):
            self.notify(
                f"Not opened: only http and https links open from krant ({post.link}).",
                severity="warning",
                markup=False,
            )
        else:
            self.open_url(post.link)
            self.notify(f"Opening {post.link}", markup=False)

    def action_copy_link(self) -> None:
        post = self.current_post()
        if post is None or not post.link:
            self.notify("This article has no link.", markup=False)
            return
        self.copy_to_clipboard(post.link)
        self.notify(f"Copied {post.link}", markup=False)

    def action_help(self) -> None:
        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen())

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand(
            "Open in browser", "Open the article's link in the browser", self.action_open_link
        )
        yield SystemCommand("Copy link", "Copy the article's link to the clipboard", self.action_copy_link)
        yield SystemCommand("Help", "Show all keys", self.action_help)


def make_app(
    folder: Path,
    *,
    locations: Locations | None = None,
    clock: Callable[[], datetime] | None = None,
    include_unpublished: bool = False,
    watch: bool = True,
    poll: bool = False,
) -> KrantApp:
    """Build the app with its parts: tests pass a tmp folder, tmp locations and a fixed clock."""
    return KrantApp(
        folder,
        locations=locations or Locations.default(),
        clock=clock or local_now,
        include_unpublished=include_unpublished,
        watch=watch,
        poll=poll,
    )


def run_app(folder: Path, *, poll: bool = False, include_unpublished: bool = False) -> int:
    """Run krant on a folder until the user quits; the exit status for the shell."""
    make_app(folder, poll=poll, include_unpublished=include_unpublished).run()
    return 0
