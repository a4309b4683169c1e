"""How lpcli commits a change (gitstore.commit): exactly the files it wrote, byte for byte as
it checked them, whatever else is staged; a plain commit when nothing else is staged (the
quick way at 100,000 cases), ``--only`` when something is."""

from __future__ import annotations

from conftest import MODEL_CASE

OTHER_CASE = "LP-RVKC0-XRF53"


def update(book):
    result = book.run("action", "update", MODEL_CASE, "A3", "--status", "done")
    assert result.exit_code == 0, result.output
    return result


def committed_files(book) -> list[str]:
    return book.git("show", "--name-only", "--format=", "HEAD").split()


def test_nothing_else_staged_commits_the_file_and_leaves_a_clean_tree(book):
    before = book.head()
    update(book)
    assert committed_files(book) == [f"cases/{MODEL_CASE}.yaml"]
    assert book.git("rev-parse", "HEAD~1").strip() == before
    assert book.status() == ""
    assert b"status: done" in book.git("show", f"HEAD:cases/{MODEL_CASE}.yaml").encode()


def test_another_staged_change_stays_staged_and_out_of_the_commit(book):
    other = book.case(OTHER_CASE)
    other.write_text(other.read_text() + "# someone's staged edit\n")
    book.git("add", "--", f"cases/{OTHER_CASE}.yaml")
    update(book)
    assert committed_files(book) == [f"cases/{MODEL_CASE}.yaml"]
    assert book.git("diff", "--cached", "--name-only").split() == [f"cases/{OTHER_CASE}.yaml"]
    assert "someone's staged edit" not in book.git("show", f"HEAD:cases/{OTHER_CASE}.yaml")


def test_a_clean_filter_that_rewrites_the_file_is_undone_and_refused(book):
    (book.root / ".gitattributes").write_text("cases/*.yaml filter=shout\n")
    # Rewrites only what the update adds, so the files as they are stay clean for git.
    book.git("config", "filter.shout.clean", "sed s/action_updated/ACTION_UPDATED/")
    book.git("config", "filter.shout.smudge", "cat")
    book.git("add", ".gitattributes")
    book.git("commit", "-q", "-m", "a filter")  # the cases stored as they were
    before, text = book.head(), book.case(MODEL_CASE).read_text()
    result = book.run("action", "update", MODEL_CASE, "A3", "--status", "done")
    assert result.exit_code != 0
    assert "stored" in result.output and "differently" in result.output
    assert book.head() == before
    assert book.case(MODEL_CASE).read_text() == text


def test_a_case_with_changes_not_committed_is_refused_whatever_kind(book):
    """Changed and not staged, staged, and a file git does not track: each refused before
    anything is written, as 'git status' would list it."""
    path = book.case(MODEL_CASE)
    original = path.read_text()
    for make in ("edit", "stage", "untracked"):
        if make == "untracked":
            book.git("rm", "-q", "--cached", "--", f"cases/{MODEL_CASE}.yaml")
            book.git("commit", "-q", "-m", "stop tracking")
        else:
            path.write_text(original + "# by hand\n")
            if make == "stage":
                book.git("add", "--", f"cases/{MODEL_CASE}.yaml")
        before, text = book.head(), path.read_text()
        result = book.run("action", "update", MODEL_CASE, "A3", "--status", "done")
        assert result.exit_code == 2, (make, result.output)
        assert "has changes that are not committed" in result.output
        assert book.head() == before and path.read_text() == text
        if make != "untracked":
            book.git("reset", "-q", "--", f"cases/{MODEL_CASE}.yaml")
            path.write_text(original)


def test_something_staged_between_the_check_and_the_commit_is_left_staged(book,
                                                                          monkeypatch):
    """The check found nothing else staged, then git in another terminal staged a file:
    the plain commit took it, so lpcli takes that commit back and makes it with --only."""
    from lpcli import gitstore

    other = book.case(OTHER_CASE)
    other.write_text(other.read_text() + "# staged meanwhile\n")
    book.git("add", "--", f"cases/{OTHER_CASE}.yaml")
    monkeypatch.setattr(gitstore, "_staged_besides", lambda repo, rels: False)
    update(book)
    assert committed_files(book) == [f"cases/{MODEL_CASE}.yaml"]
    assert book.git("diff", "--cached", "--name-only").split() == [f"cases/{OTHER_CASE}.yaml"]


def test_a_submodule_staged_with_ignore_all_stays_out_of_the_commit(book):
    """.gitmodules may tell git to ignore a submodule's changes; a staged pointer of it is
    still something else staged."""
    (book.root / ".gitmodules").write_text('[submodule "sm"]\n\tpath = sm\n\turl = ./sm\n'
                                            "\tignore = all\n")
    book.git("add", ".gitmodules")
    book.git("commit", "-q", "-m", "a submodule's settings")
    head = book.head()
    book.git("update-index", "--add", "--cacheinfo", f"160000,{head},sm")
    update(book)
    assert committed_files(book) == [f"cases/{MODEL_CASE}.yaml"]
    assert "sm" in book.git("diff", "--cached", "--name-only", "--ignore-submodules=none")
