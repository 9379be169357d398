"""The lifecycle of a site (SITE-5 to SITE-10), one module of actions per meaning.

    opening.py    apply, approve or refuse, ID code, security check, go online (SITE-5)
    offline.py    temporary offline and returning online (SITE-6)
    migration.py  migration and permanent offline, redirects, registrations to cancel (SITE-7)
    filings.py    change filings, domain-change notice and redirects (SITE-8)
    archiving.py  archiving sites, columns and topics (SITE-9, COL-7)
    subunits.py   sub-units publishing into their portal's columns (SITE-10)
    notices.py    announcements the platform publishes through the workflow
    rules.py      the limits of the texts, permissions and status changes shared by all of them

Every action is one transaction that checks permission, changes the data, writes the audit
entry and reports what changed to the change feed (core.feed.changed).
"""
