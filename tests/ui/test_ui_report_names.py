"""A report's proposed file name is a file name, whatever the site is called; a folder that
cannot be written is said in the page, never an uncaught error."""

from __future__ import annotations

import datetime

from shelter_app.services import sites
from shelter_app.ui.pages.reports import ReportsPage

D = datetime.date


def test_a_site_name_with_a_slash_gives_a_plain_file_name(ctx, qtbot, tmp_path):
    event = sites.create_event("Gempa Cianjur", "earthquake", D(2022, 11, 21))
    sites.create_site(event.id, "SD Negeri 1/2 Cugenang", "school", D(2022, 11, 21))
    page = ReportsPage(ctx)
    qtbot.addWidget(page)
    page.show()
    page.refresh_if_stale()
    page.site.setCurrentIndex(page.site.findText("SD Negeri 1/2 Cugenang"))
    name = page.default_file_name()
    assert "/" not in name and "\\" not in name and "1_2_Cugenang" in name and name.endswith(".pdf")
    page.pdf = b"%PDF-1.4\n%%EOF\n"
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    page.write_pdf(str(blocker / name))
    assert str(blocker) in page.status.text()
    page.write_pdf(str(tmp_path / name))
    assert (tmp_path / name).read_bytes().startswith(b"%PDF")
