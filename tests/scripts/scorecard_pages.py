"""Print each workbook's 考核表 (its first sheet) to PDF with LibreOffice
and count the pages: one line per workbook, `PAGES<TAB>FILE`.

Run with LibreOffice's Python (python3-uno) while a headless LibreOffice
listens on port 2002 (scorecard-pages.sh starts one):

    python3 scorecard_pages.py OUT_DIR A.xlsx [B.xlsx ...]

The other sheets are removed from the loaded copy before the export (the
file itself is not changed); the page count is read with `pdfinfo`.
"""
import os
import subprocess
import sys
import time

import uno
from com.sun.star.beans import PropertyValue


def prop(name, value):
    p = PropertyValue()
    p.Name = name
    p.Value = value
    return p


def main(out, files):
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext(
        "com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(120):
        try:
            ctx = resolver.resolve(
                "uno:socket,host=localhost,port=2002;urp;StarOffice.ComponentContext")
            break
        except Exception:
            time.sleep(0.5)
    desktop = ctx.ServiceManager.createInstanceWithContext(
        "com.sun.star.frame.Desktop", ctx)
    for i, src in enumerate(files):
        doc = desktop.loadComponentFromURL(
            uno.systemPathToFileUrl(os.path.abspath(src)), "_blank", 0,
            (prop("Hidden", True),))
        sheets = doc.Sheets
        names = sheets.ElementNames
        for name in names[1:]:
            sheets.removeByName(name)
        pdf = os.path.join(out, "%d.pdf" % i)
        doc.storeToURL(uno.systemPathToFileUrl(pdf),
                       (prop("FilterName", "calc_pdf_Export"),))
        doc.close(True)
        info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True).stdout
        pages = [l.split()[-1] for l in info.splitlines() if l.startswith("Pages:")]
        size = [l.split(":", 1)[1].strip() for l in info.splitlines() if l.startswith("Page size:")]
        print("%s\t%s\t%s" % (pages[0] if pages else "?", size[0] if size else "?", src))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
