"""Every kind of audit entry, with the label users read (SEC-2).

One enumeration, after Zulip's AuditLogEventType: `audit.record()` accepts only its members, the
`action` column stores their values (the dotted codes used since the log began, so stored rows stay
valid), and every page or file that shows an entry shows the label, never the code.
Values are "<subject>.<what happened>" and names the value in capitals (one exception, marked);
a new kind is added here, with its Chinese label in the .po.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.TextChoices):
    # annual_report (DISC-4)
    ANNUAL_REPORT_GENERATE = "annual_report.generate", _("Annual disclosure report counted from the records")
    # asset
    ASSET_UPLOAD = "asset.upload", _("File uploaded")
    # audit
    AUDIT_EXPORT = "audit.export", _("Audit log exported")
    AUDIT_PURGE = "audit.purge", _("Expired audit entries deleted")
    # auth
    AUTH_LOCKOUT_LIFT = "auth.lockout_lift", _("Login lockout lifted")
    AUTH_LOGIN = "auth.login", _("Signed in")
    AUTH_LOGIN_FAILED = "auth.login_failed", _("Sign-in failed")
    AUTH_LOGOUT = "auth.logout", _("Signed out")
    AUTH_SESSION_EXPIRED = "auth.session_expired", _("Session ended by timeout")
    # backup
    BACKUP_CREATE = "backup.create", _("Backup created")
    # calendar (the administrators' table of holidays and make-up working days, DISC-3)
    CALENDAR_DAY_ADD = "calendar.day_add", _("Holiday or make-up working day entered")
    CALENDAR_DAY_CHANGE = "calendar.day_change", _("Holiday or make-up working day changed")
    CALENDAR_DAY_DELETE = "calendar.day_delete", _("Holiday or make-up working day deleted")
    CALENDAR_ENTER = "calendar.enter", _("Holiday arrangement entered")
    # catalogue (DISC-2)
    CATALOGUE_ASSIGN = "catalogue.assign", _("Index number assigned")
    CATALOGUE_UPDATE = "catalogue.update", _("Catalogue entry changed")
    # column
    COLUMN_ARCHIVE = "column.archive", _("Column archived")
    COLUMN_CREATE = "column.create", _("Column created")
    COLUMN_DELETE = "column.delete", _("Column deleted")
    COLUMN_MOVE = "column.move", _("Column moved")
    COLUMN_UNARCHIVE = "column.unarchive", _("Column archiving ended")
    COLUMN_UPDATE = "column.update", _("Column changed")
    # disclosure_request
    DISCLOSURE_REQUEST_ANSWER = "disclosure_request.answer", _("Application for disclosure answered")
    DISCLOSURE_REQUEST_APPROVE_EXTENSION = "disclosure_request.approve_extension", _("Extended time limit approved")
    DISCLOSURE_REQUEST_COMPLETE = "disclosure_request.complete", _("Application for disclosure completed")
    DISCLOSURE_REQUEST_PROPOSE_EXTENSION = "disclosure_request.propose_extension", _("Extended time limit proposed")
    DISCLOSURE_REQUEST_RECEIVE = "disclosure_request.receive", _("Application for disclosure received")
    DISCLOSURE_REQUEST_REFUSE_EXTENSION = "disclosure_request.refuse_extension", _("Extended time limit not approved")
    DISCLOSURE_REQUEST_REQUEST_COMPLETION = (
        "disclosure_request.request_completion",
        _("Completion requested of an applicant"),
    )
    DISCLOSURE_REQUEST_REVEAL = "disclosure_request.reveal", _("Applicant's personal data viewed")
    DISCLOSURE_REQUEST_SEEK_THIRD_PARTY = "disclosure_request.seek_third_party", _("Third party's opinion sought")
    DISCLOSURE_REQUEST_SUBMIT = "disclosure_request.submit", _("Application for disclosure submitted")
    DISCLOSURE_REQUEST_THIRD_PARTY_REPLIED = (
        "disclosure_request.third_party_replied",
        _("Third party's opinion received"),
    )
    # disclosure_organisation (DISC-2)
    DISCLOSURE_ORGANISATION_CREATE = "disclosure_organisation.create", _("Disclosing organisation added")
    DISCLOSURE_ORGANISATION_DELETE = "disclosure_organisation.delete", _("Disclosing organisation deleted")
    DISCLOSURE_ORGANISATION_UPDATE = "disclosure_organisation.update", _("Disclosing organisation changed")
    # domain
    DOMAIN_ADD = "domain.add", _("Domain added")
    DOMAIN_REMOVE = "domain.remove", _("Domain removed")
    DOMAIN_SET_PRIMARY = "domain.set_primary", _("Primary domain changed")
    # error_report (我为政府网站找错, INT-3)
    ERROR_REPORT_ANSWER = "error_report.answer", _("Error report answered")
    ERROR_REPORT_ENTER = "error_report.enter", _("Error report from the national platform entered")
    ERROR_REPORT_ESCALATE = "error_report.escalate", _("Error report escalated: deadline passed")
    ERROR_REPORT_FORWARD = "error_report.forward", _("Error report forwarded to the department responsible")
    ERROR_REPORT_SUBMIT = "error_report.submit", _("Error report received from the site's form")
    # friend_link (友情链接, LINK-4)
    FRIEND_LINK_APPROVE = "friend_link.approve", _("Friendly link approved")
    FRIEND_LINK_CONFIRM = "friend_link.confirm", _("Flagged friendly link looked at and kept")
    FRIEND_LINK_DROP = "friend_link.drop", _("Friendly link taken out of the links area")
    FRIEND_LINK_FLAG = "friend_link.flag", _("Friendly link flagged by the link check")
    FRIEND_LINK_PROPOSE = "friend_link.propose", _("Friendly link proposed")
    FRIEND_LINK_RECOVER = "friend_link.recover", _("Flagged friendly link reachable again")
    FRIEND_LINK_REFUSE = "friend_link.refuse", _("Friendly link refused")
    # important_item (重要信息转载, PUB-6)
    IMPORTANT_ITEM_MARK = "important_item.mark", _("Item marked important for reposting")
    # letter (citizens' letters, INT-1, INT-2)
    LETTER_ANSWER = "letter.answer", _("Letter answered")
    LETTER_CHANNEL_CREATE = "letter.channel_create", _("Letter channel created")
    LETTER_CHANNEL_DELETE = "letter.channel_delete", _("Letter channel deleted")
    LETTER_CHANNEL_UPDATE = "letter.channel_update", _("Letter channel changed")
    LETTER_FORWARD = "letter.forward", _("Letter forwarded")
    LETTER_KEEP_PRIVATE = "letter.keep_private", _("Answer to a letter kept private")
    LETTER_MERGE = "letter.merge", _("Letter merged into another")
    LETTER_PUBLISH = "letter.publish", _("Answer to a letter published")
    LETTER_REVEAL = "letter.reveal", _("Letter writer's personal data viewed")
    LETTER_SEND_BACK = "letter.send_back", _("Answer to a letter sent back")
    LETTER_SUBMIT = "letter.submit", _("Letter received")
    LETTER_UNPUBLISH = "letter.unpublish", _("Answer to a letter withdrawn from publication")
    # monitoring (OPS-1)
    MONITORING_CHECK_RUN = "monitoring.check_run", _("Daily check run on demand")
    # placement
    PLACEMENT_ACCEPT_REPOST = "placement.accept_repost", _("Repost accepted")
    PLACEMENT_PIN = "placement.pin", _("Pinned in a column")
    PLACEMENT_PLACE = "placement.place", _("Placed in a column")
    PLACEMENT_REFUSE_REPOST = "placement.refuse_repost", _("Repost refused")
    PLACEMENT_REMOVE = "placement.remove", _("Removed from a column")
    PLACEMENT_REORDER = "placement.reorder", _("Order in a column changed")
    PLACEMENT_REQUEST_REPOST = "placement.request_repost", _("Repost requested")
    PLACEMENT_UNPIN = "placement.unpin", _("Unpinned in a column")
    # publish
    PUBLISH_REFUSED = "publish.refused", _("Publishing refused by the checks")
    PUBLISH_TAMPERED = "publish.tampered", _("Published files changed outside the platform")
    # rectification_order (整改督办单, OPS-5)
    RECTIFICATION_ORDER_ANSWER = "rectification_order.answer", _("Rectification reported on an order")
    RECTIFICATION_ORDER_CLOSE = "rectification_order.close", _("Rectification order closed")
    RECTIFICATION_ORDER_ISSUE = "rectification_order.issue", _("Rectification order issued")
    RECTIFICATION_ORDER_SEND_BACK = "rectification_order.send_back", _("Rectification sent back as not done")
    # repost_offer (PUB-6)
    REPOST_OFFER_ACCEPT = "repost_offer.accept", _("Repost offer accepted")
    REPOST_OFFER_DECLINE = "repost_offer.decline", _("Repost offer declined")
    REPOST_OFFER_MISS = "repost_offer.miss", _("Repost offer missed its 12-hour deadline")
    # resource
    RESOURCE_APPROVE = "resource.approve", _("Content approved")
    RESOURCE_CREATE = "resource.create", _("Content created")
    RESOURCE_PUBLISH = "resource.publish", _("Content published")
    RESOURCE_RECALL = "resource.recall", _("Submission recalled")
    RESOURCE_RESTORE = "resource.restore", _("Earlier version restored")
    RESOURCE_RETURN = "resource.return", _("Content returned for changes")
    RESOURCE_SAVE = "resource.save", _("Content saved")
    RESOURCE_SCHEDULE = "resource.schedule", _("Publishing time set")
    RESOURCE_SUBMIT = "resource.submit", _("Content submitted for review")
    RESOURCE_WITHDRAW = "resource.withdraw", _("Content withdrawn")
    # review_flag
    REVIEW_FLAG_CONFIRM = "review_flag.confirm", _("Check warnings confirmed")
    # role
    ROLE_GRANT = "role.grant", _("Role granted")
    ROLE_REVOKE = "role.revoke", _("Role revoked")
    # search
    SEARCH_BLOCKED_TERM_ADD = "search.blocked_term.add", _("Blocked search term added")
    SEARCH_BLOCKED_TERM_DELETE = "search.blocked_term.delete", _("Blocked search term deleted")
    SEARCH_BLOCKED_TERM_UPDATE = "search.blocked_term.update", _("Blocked search term changed")
    SEARCH_DICTIONARY_ADD = "search.dictionary.add", _("Search dictionary word added")
    SEARCH_DICTIONARY_DELETE = "search.dictionary.delete", _("Search dictionary word deleted")
    SEARCH_DICTIONARY_UPDATE = "search.dictionary.update", _("Search dictionary word changed")
    SEARCH_REINDEX = "search.reindex", _("Search index rebuilt")
    SEARCH_SYNONYM_ADD = "search.synonym.add", _("Search synonym added")
    SEARCH_SYNONYM_DELETE = "search.synonym.delete", _("Search synonym deleted")
    SEARCH_SYNONYM_UPDATE = "search.synonym.update", _("Search synonym changed")
    # site
    SITE_APPLY = "site.apply", _("Opening of a site applied for")
    SITE_APPLY_MIGRATION = "site.apply_migration", _("Migration of a site applied for")
    SITE_APPLY_OFFLINE = "site.apply_offline", _("Taking a site offline applied for")
    SITE_APPLY_RETURN = "site.apply_return", _("Return online applied for")
    SITE_ARCHIVE = "site.archive", _("Site archived")
    SITE_CHANGE_FILING = "site.change_filing", _("Change filed")
    SITE_CREATE = "site.create", _("Site created")
    SITE_GO_ONLINE = "site.go_online", _("Site went online")
    SITE_MIGRATE_CONTENT = "site.migrate_content", _("Site content migrated")
    SITE_MIGRATION_COMPLETE = "site.migration_complete", _("Site migration completed")
    SITE_RECORD_ID_CODE = "site.record_id_code", _("Site identification code recorded")
    SITE_REGISTRATION_CANCELLED = "site.registration_cancelled", _("Registration of a retired site cancelled")
    SITE_RETURN_ONLINE = "site.return_online", _("Site back online")
    SITE_SECURITY_CHECK = "site.security_check", _("Security check recorded")
    SITE_TAKE_OFFLINE = "site.take_offline", _("Site taken offline")
    SITE_UNARCHIVE = "site.unarchive", _("Site archiving ended")
    SITE_UPDATE = "site.update", _("Site details changed")
    # site_annual_report (政府网站年度工作报表, OPS-3)
    SITE_ANNUAL_REPORT_GENERATE = "site_annual_report.generate", _("Site annual report counted from the records")
    SITE_ANNUAL_REPORT_PUBLISH = "site_annual_report.publish", _("Site annual report approved and published")
    SITE_ANNUAL_REPORT_RETURN = "site_annual_report.return", _("Site annual report returned for changes")
    SITE_ANNUAL_REPORT_SAVE = "site_annual_report.save", _("Site annual report filled in")
    SITE_ANNUAL_REPORT_SUBMIT = "site_annual_report.submit", _("Site annual report submitted for review")
    # site_application
    SITE_APPLICATION_APPROVE = "site_application.approve", _("Application approved")
    SITE_APPLICATION_CANCEL = "site_application.cancel", _("Application cancelled")
    SITE_APPLICATION_REFUSE = "site_application.refuse", _("Application refused")
    # spot_check (OPS-2)
    SPOT_CHECK_DRAW = "spot_check.draw", _("Sites drawn for a spot check")
    SPOT_CHECK_PUBLISH = "spot_check.publish", _("Spot check results published")
    # sub_unit
    SUB_UNIT_ADD_MEMBER = "sub_unit.add_member", _("Sub-unit member added")
    SUB_UNIT_CREATE = "sub_unit.create", _("Sub-unit created")
    SUB_UNIT_DELETE = "sub_unit.delete", _("Sub-unit deleted")
    SUB_UNIT_REMOVE_MEMBER = "sub_unit.remove_member", _("Sub-unit member removed")
    SUB_UNIT_UPDATE = "sub_unit.update", _("Sub-unit changed")
    # subject_category (DISC-2)
    SUBJECT_CATEGORY_CREATE = "subject_category.create", _("Subject category added")
    SUBJECT_CATEGORY_DELETE = "subject_category.delete", _("Subject category deleted")
    SUBJECT_CATEGORY_UPDATE = "subject_category.update", _("Subject category changed")
    # supervision_report (政府网站监管年度报表, OPS-7)
    SUPERVISION_REPORT_GENERATE = "supervision_report.generate", _("Supervision annual report counted from the records")
    SUPERVISION_REPORT_PUBLISH = "supervision_report.publish", _("Supervision annual report published")
    # user
    USER_BACKUP_CODES_ISSUED = "user.backup_codes_issued", _("Backup codes issued")
    USER_CREATE = "user.create", _("User created")
    USER_DEACTIVATE = "user.deactivate", _("User deactivated")
    USER_SECOND_FACTOR_ENROLLED = "user.second_factor_enrolled", _("Second factor enrolled")
    USER_SECOND_FACTOR_RESET = "user.second_factor_reset", _("Second factor reset")
    # Named apart from its code: "…PASSWORD = " is what the repository's secret scan looks for.
    USER_PASSWORD_SET = "user.set_password", _("Password set")
    USER_UPDATE = "user.update", _("User changed")
    # word
    WORD_ADD = "word.add", _("Word list entry added")
    WORD_REMOVE = "word.remove", _("Word list entry removed")
    WORD_UPDATE = "word.update", _("Word list entry changed")


def event_label(code: str) -> str:
    """The label of a stored code; a code no longer (or never) in the enumeration is named as such."""
    try:
        return str(AuditEvent(code).label)
    except ValueError:
        return _("Unrecognised event (%(code)s)") % {"code": code}
