"""The upload and history pages' widgets (a UI module: it imports Streamlit); the work is done by
`innovisits.ingest`, the same code the command line runs."""

from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from innovisits import ui
from innovisits.data import audit
from innovisits.data.config import MAX_UPLOAD_ROWS, ConfigError, data_location, max_upload_bytes, timezone
from innovisits.data.store import SUMMARY_KEYS, DataError
from innovisits.i18n.formatting import local_time
from innovisits.ingest import templates
from innovisits.ingest.batches import DependedOnError, StaleError, UndoError, WriteError, commit, undo, why_off
from innovisits.ingest.plan import Plan, Upload, prepare
from innovisits.ingest.rules import TABLES
from innovisits.ui.data import changed

ROUND_KEY = "upload_round"  # a new uploader (empty) after each stored upload
SHOWN_KEY = "upload_shown"  # fingerprint of the preview the person saw
DONE_KEY = "upload_done"
CORRECTIONS_KEY = "upload_corrections"


def uploads_on() -> bool:
    """True when this server can store uploads; otherwise the page says why and who can upload instead."""
    reason = why_off(data_location())
    if reason:
        st.warning(ui.t("upload_off", reason=reason), icon=":material/cloud_off:")
        st.info(ui.t("upload_off_who", location=str(data_location())), icon=":material/person:")
    return reason is None


def template_downloads() -> None:
    with st.expander(ui.t("upload_templates"), icon=":material/download:"):
        st.caption(ui.t("upload_formats"))
        for kind in templates.KINDS:
            name = ui.t(f"upload_kind_{kind}")
            files = (("template", templates.template), ("example", templates.example))
            for column, (what, make) in zip(st.columns(2), files, strict=True):
                column.download_button(
                    ui.t(f"upload_{what}", kind=name),
                    make(kind),
                    f"{kind}_{what}.csv",
                    "text/csv",
                    key=f"{what}_{kind}",
                )
        sheets = {table: ui.t(f"upload_kind_{table}") for table in TABLES}
        st.download_button(
            ui.t("upload_workbook_template"),
            partial(templates.workbook, sheets),
            "innovisits_template.xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            key="template_workbook",
            on_click="ignore",
            icon=":material/table_view:",
        )


def uploaded_files() -> list[Upload]:
    st.caption(ui.t("upload_limit", mb=max_upload_bytes() >> 20, rows=f"{MAX_UPLOAD_ROWS:,}"))
    round_ = st.session_state.get(ROUND_KEY, 0)
    files = st.file_uploader(
        ui.t("upload_files"),
        type=["csv", "txt", "xlsx", "xlsm", "xls", "ods"],
        accept_multiple_files=True,
        key=f"upload_files_{round_}",
    )
    latest: dict[str, Upload] = {}  # a file added again under the same name replaces the earlier one
    for f in files or []:
        latest.pop(f.name, None)
        latest[f.name] = Upload(f.name, f.getvalue())
    names = [f.name for f in files or []]
    replaced = sorted({n for n in names if names.count(n) > 1})
    if replaced:
        st.caption(ui.t("upload_replaced", names=", ".join(replaced)))
    return list(latest.values())


def check(uploads: list[Upload]) -> Plan:
    """The plan, and the choice to store changed values as corrections once the files change stored ones;
    when a stored file cannot be read, which one, and stop."""
    corrections = bool(st.session_state.get(CORRECTIONS_KEY))
    try:
        with st.spinner(ui.t("upload_checking")):
            plan = prepare(uploads, data_location(), corrections=corrections)
    except DataError as error:
        st.error(ui.t("data_error", error=str(error)), icon=":material/error:")
        st.caption(ui.t("data_error_help"))
        st.stop()
    if corrections or any(p.code == "differs_from_store" for p in plan.problems):
        st.checkbox(ui.t("upload_corrections"), key=CORRECTIONS_KEY, help=ui.t("upload_corrections_help"))
    return plan


def _files_table(plan: Plan) -> None:
    rows = [
        {
            ui.t("upload_col_file"): f.name,
            ui.t("upload_col_kind"): ui.t(f"upload_kind_{f.kind}") if f.kind else "—",
            ui.t("upload_col_rows"): f.rows,
            ui.t("upload_col_encoding"): ui.t("upload_workbook") if f.encoding == "workbook" else f.encoding or "—",
            ui.t("upload_col_already"): f.stored_in or "",
        }
        for f in plan.files
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def problems(plan: Plan) -> None:
    st.error(ui.t("upload_rejected", count=plan.problem_count), icon=":material/block:")
    if plan.problem_count > len(plan.problems):
        st.caption(ui.t("upload_more_problems", shown=len(plan.problems), count=plan.problem_count))
    lang = ui.lang()
    rows = [
        {
            ui.t("upload_col_file"): p.file,
            ui.t("upload_col_row"): "" if p.row is None else str(p.row),
            ui.t("upload_col_column"): p.where(lang),
            ui.t("upload_col_value"): p.value or "",
            ui.t("upload_col_reason"): p.reason(lang),
        }
        for p in plan.problems
    ]
    # a static table wraps long reasons (a grid cuts them off); every cell escaped: file text is never rendered
    st.table(pd.DataFrame(rows).map(ui.plain), hide_index=True)
    _files_table(plan)


def preview(plan: Plan) -> None:
    """What the upload adds, what is already stored, and the Overview numbers before and after."""
    st.subheader(ui.t("upload_preview"))
    _files_table(plan)
    tables = [*plan.duplicates]
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("upload_col_table"): [ui.t(f"upload_kind_{t}") for t in tables],
                ui.t("upload_col_new"): [plan.counts().get(t, 0) for t in tables],
                ui.t("upload_col_duplicates"): [plan.duplicates[t] for t in tables],
            }
        ),
        hide_index=True,
    )
    _changes(plan)
    _warnings(plan)
    if plan.adds_nothing:
        st.info(ui.t("upload_nothing_new"), icon=":material/check_circle:")
        return
    st.dataframe(
        pd.DataFrame(
            {
                ui.t("upload_col_metric"): [ui.t(f"metric_{k}") for k in SUMMARY_KEYS],
                ui.t("upload_col_now"): [plan.before[k] for k in SUMMARY_KEYS],
                ui.t("upload_col_after"): [plan.after[k] for k in SUMMARY_KEYS],
            }
        ),
        hide_index=True,
    )
    if "visits" in plan.new:
        st.markdown(f"**{ui.t('upload_new_visits')}**")
        # as the dashboard's tables show visits (dates the language's way, text in the page's language), in
        # widths that keep every column in view beside the sidebar on a laptop
        ui.grid(plan.new["visits"], widths={"host": 160, "title": 180, "notes": 160})


def _changes(plan: Plan) -> None:
    """Each stored value the correction changes: row, column, old -> new."""
    if not plan.changes:
        return
    st.markdown(f"**{ui.t('upload_changes', count=len(plan.changes))}**")
    rows = {
        ui.t("upload_col_change_table"): [ui.t(f"upload_kind_{c.table}") for c in plan.changes],
        ui.t("upload_col_change_key"): [c.key for c in plan.changes],
        ui.t("upload_col_change_column"): [c.column for c in plan.changes],
        ui.t("upload_col_change_old"): [c.old or "—" for c in plan.changes],
        ui.t("upload_col_change_new"): [c.new or "—" for c in plan.changes],
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def _warnings(plan: Plan) -> None:
    if not plan.warnings:
        return
    count = len({w.value for w in plan.warnings})
    st.warning(ui.t("upload_warnings", count=count), icon=":material/warning:")
    rows = {
        ui.t("upload_col_visit"): [w.value for w in plan.warnings],
        ui.t("upload_col_reason"): [w.reason(ui.lang()) for w in plan.warnings],
    }
    st.dataframe(pd.DataFrame(rows), hide_index=True)


def confirm(plan: Plan, user: str) -> None:
    """Store on confirmation, only if the plan is the one the person saw previewed."""
    shown = st.session_state.get(SHOWN_KEY)
    st.session_state[SHOWN_KEY] = plan.fingerprint()
    if not st.button(ui.t("upload_confirm"), type="primary", key="upload_confirm", icon=":material/save:"):
        return
    try:
        if shown != plan.fingerprint():
            raise StaleError("the preview changed")
        batch = commit(plan, user)
    except StaleError:
        st.warning(ui.t("upload_stale"), icon=":material/refresh:")
        return
    except WriteError as error:
        st.error(ui.t(f"upload_write_{error.code}", detail=error.detail), icon=":material/block:")
        return
    except ConfigError as error:  # the bucket refused the write: nothing was published
        st.error(ui.t("upload_not_stored", reason=str(error)), icon=":material/error:")
        return
    added = ", ".join(
        [f"{ui.t(f'upload_kind_{t}')} +{n:,}" for t, n in plan.counts().items()]
        + [ui.t("history_corrected", count=sum(plan.corrected.values()))] * any(plan.corrected.values())
    )
    st.session_state.pop(CORRECTIONS_KEY, None)
    changed()  # "the dashboard shows it now": this session waits for the version that holds it
    st.session_state[DONE_KEY] = ui.t("upload_stored", batch=batch, summary=added)
    st.session_state[ROUND_KEY] = st.session_state.get(ROUND_KEY, 0) + 1
    st.rerun()


def done_message() -> None:
    message = st.session_state.pop(DONE_KEY, None)
    if message:
        st.success(message, icon=":material/check_circle:")


def history(user: str) -> None:
    """Every batch with its status, and withdrawing one."""
    found = audit.batches(data_location())
    if not found:
        st.info(ui.t("history_empty"), icon=":material/info:")
        return
    zone = timezone()
    rows = [
        {
            ui.t("history_col_at_zone", zone=zone.key): local_time(b.at, zone),
            ui.t("history_col_what"): _what(b),
            ui.t("history_col_files"): ", ".join(f["name"] for f in b.files),
            ui.t("history_col_rows"): _rows(b),
            ui.t("history_col_by"): b.by,
            ui.t("history_col_status"): ui.t("history_active")
            if b.is_active
            else ui.t("history_withdrawn", at=local_time(b.withdrawn_at, zone), by=b.withdrawn_by),
            ui.t("history_col_batch"): b.batch_id,
        }
        for b in found
    ]
    st.dataframe(pd.DataFrame(rows), hide_index=True)
    active = {b.batch_id: b for b in found if b.is_active}
    if not active:
        return
    ui.keep_choice("history_batch", active)
    batch = st.selectbox(
        ui.t("history_choose"),
        list(active),
        format_func=lambda b: " · ".join(
            part for part in (local_time(active[b].at, zone), _what(active[b]), _files(active[b])) if part
        ),
        key="history_batch",
    )
    sure = st.checkbox(ui.t("history_sure"), key="history_sure")
    if st.button(ui.t("history_withdraw"), disabled=not sure, key="history_withdraw", icon=":material/undo:"):
        try:
            undo(data_location(), batch, user)
        except DependedOnError as error:
            later = ", ".join(f"{d.batch_id} ({ui.t(f'history_how_{d.how}')})" for d in error.dependants)
            st.error(ui.t("history_blocked", batch=batch, later=later), icon=":material/block:")
            return
        except (UndoError, ConfigError) as error:
            st.error(str(error))
            return
        except WriteError as error:
            st.error(ui.t(f"upload_write_{error.code}", detail=error.detail), icon=":material/block:")
            return
        changed()
        st.session_state[DONE_KEY] = ui.t("history_withdrawn_done", batch=batch)
        st.session_state.pop("history_sure", None)
        st.rerun()


def _what(batch: audit.Batch) -> str:
    """A batch as people know it: its visits, or the reference entry it added or renamed."""
    done = batch.reference
    if done:
        return ui.t(f"history_reference_{done['action']}", **{**done, "kind": ui.t(f"reference_kind_{done['kind']}")})
    return batch.visit_text()


def _files(batch: audit.Batch) -> str:
    return ", ".join(f["name"] for f in batch.files)


def _rows(batch: audit.Batch) -> str:
    counts = [f"{ui.t(f'upload_kind_{t}')} {n:,}" for t, n in batch.rows.items() if t in templates.KINDS]
    if batch.corrected:
        counts.append(ui.t("history_corrected", count=sum(batch.corrected.values())))
    return ", ".join(counts)
