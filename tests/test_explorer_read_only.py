"""A shared, read-only explorer (POLICYKG_EXPLORER_READ_ONLY=true): no ingest page is registered or served, the
query page offers no saving, and the library functions behind every write refuse, whatever a page asks."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from typer.testing import CliRunner

from policykg.app.cli import app as cli_app

ROOT = Path(__file__).resolve().parents[1]
ENTRY = str(ROOT / "app" / "explorer.py")


@pytest.fixture(scope="module")
def kg(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("read-only") / "kg"
    result = CliRunner().invoke(cli_app, ["ingest", str(ROOT / "examples"), "--store", str(path), "-q", "--no-link"])
    assert result.exit_code == 0, result.output
    return path


@pytest.fixture
def explorer(kg, tmp_path, monkeypatch):
    def start(read_only: bool) -> AppTest:
        monkeypatch.setenv("POLICYKG_STORE", str(kg))
        (tmp_path / "mine").mkdir(exist_ok=True)
        monkeypatch.setenv("POLICYKG_QUERY_DIR", str(tmp_path / "mine"))
        monkeypatch.setenv("POLICYKG_EXPLORER_READ_ONLY", "true" if read_only else "false")
        for name in ("NEO4J_URI", "POLICYKG_SPARQL_ENDPOINT"):
            monkeypatch.delenv(name, raising=False)
        at = AppTest.from_file(ENTRY, default_timeout=120)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at
    return start


def test_read_only_explorer_has_no_ingest_page_and_saves_nothing(explorer, kg):
    at = explorer(read_only=True)
    assert any("只读" in c.value for c in at.sidebar.caption)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page("explorer_pages/ingest.py")
    at.switch_page("explorer_pages/queries.py")
    at.run()
    at.text_area(key="q_text").input("SELECT ?d WHERE { ?d a <https://policykg.org/ontology#Document> }").run()
    at.button(key="q_custom_run").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert at.dataframe and len(at.dataframe[-1].value) == 5
    assert not [b for b in at.button if b.key == "q_save"] and not [t for t in at.text_input if t.key == "q_save_name"]

    writable = explorer(read_only=False)
    writable.switch_page("explorer_pages/ingest.py")
    writable.run()
    assert writable.get("file_uploader"), "the ingest page is there when writes are allowed"
    print("read-only explorer: 5 pages listed (no ingest), custom query answered, no save box; "
          "with writes allowed the ingest page and its uploader are there")


def test_write_functions_refuse_when_read_only(kg, tmp_path, monkeypatch):
    from policykg.app import explorer_data as data
    from policykg.graph.pipeline import process_file

    monkeypatch.setenv("POLICYKG_STORE", str(kg))
    monkeypatch.setenv("POLICYKG_QUERY_DIR", str(tmp_path / "mine"))
    monkeypatch.setenv("POLICYKG_EXPLORER_READ_ONLY", "true")
    result = process_file(ROOT / "examples" / "001_8158844c7a4eb5af.txt")
    refused = 0
    for call in (lambda: data.write_extraction(result), data.link_cascade,
                 lambda: data.save_user_query("mine", "ASK {}", "sparql", ["result"])):
        with pytest.raises(PermissionError, match="POLICYKG_EXPLORER_READ_ONLY"):
            call()
        refused += 1
    upload = data.extract_upload("x.txt", (ROOT / "examples" / "001_8158844c7a4eb5af.txt").read_bytes(), 20)
    assert isinstance(upload, data.Failure) and "read-only" in upload.message
    assert not (tmp_path / "mine").exists()   # nothing saved
    print(f"read-only: {refused} write functions and the upload refused, nothing written")
