"""Ingest: upload task lists, see what was extracted (and the warnings) before anything is written, then write
and link the tasks to the higher-level tasks they implement (as `policykg ingest` does)."""
import streamlit as st

from policykg.app import explorer_data as data
from policykg.app.explorer_data import t

st.title(t("page_ingest"))
if not data.writes_allowed():   # not listed then; a stale link still writes nothing
    st.info(t("read_only_note"))
    st.stop()
limit_mb = data.upload_limit_mb()
uploads = st.file_uploader(t("i_upload", limit=limit_mb), type=[s.lstrip(".") for s in data.UPLOAD_TYPES],
                           accept_multiple_files=True,
                           key="ingest_files", max_upload_size=limit_mb)

if uploads:
    previews = []
    names: dict[str, str] = {}
    for upload in uploads:
        # read in memory and checked here, whatever the browser claimed; nothing uploaded is ever executed
        preview = data.extract_upload(upload.name, upload.getvalue(), limit_mb)
        if data.show_failure(preview):
            continue
        if preview.meta.doc in names:   # two uploads that would be one document: the second is not written
            st.error(t("i_same_doc", name=upload.name, other=names[preview.meta.doc], doc=preview.meta.doc))
            continue
        names[preview.meta.doc] = upload.name
        previews.append(preview)
        with st.expander(t("i_preview", name=upload.name, tasks=len(preview.tasks), problems=len(preview.problems)),
                         expanded=len(uploads) == 1):
            for problem in preview.problems:
                st.warning(data.problem_sentence(problem))   # where and what, in the chosen language
            st.dataframe(data.extraction_frame(preview), hide_index=True, width="stretch")
    if previews and st.button(t("i_write"), type="primary", key="ingest_write"):
        bar = st.progress(0.0)
        steps = len(previews) + 1   # each file, then the linking
        changed = False
        for i, preview in enumerate(previews, start=1):
            outcome = data.attempt(data.write_extraction, preview)
            if not data.show_failure(outcome):
                st.success(t("i_written", doc=names.get(outcome.doc, outcome.doc),   # the file, not the id
                             action=t(f"i_action_{outcome.action}"))
                           + (f" ({outcome.note})" if outcome.note and data.lang() == "en" else ""))
                changed |= outcome.action in ("added", "replaced")
            bar.progress(i / steps, text=f"{i}/{len(previews)}")
        # new or changed documents change the links; so does an earlier ingest that stopped before linking
        if changed or data.attempt(data.links_pending) is True:
            bar.progress(len(previews) / steps, text=t("i_linking"))

            def linking(phase: str, done: int, total: int) -> None:   # the last step, in two halves
                share = 0.5 * done / total if total else 0.0
                bar.progress((len(previews) + share + (0.5 if phase == "linking" else 0.0)) / steps,
                             text=t("i_linking_linked" if phase == "linking" else "i_linking_reading", done=done,
                                    total=total))

            linked = data.attempt(data.link_cascade, linking)
            if not data.show_failure(linked):
                st.success(t("i_linked", confident=linked["confident"], suggestions=linked["suggestions"]))
        bar.progress(1.0, text=t("i_done"))
        st.success(t("i_done"))
