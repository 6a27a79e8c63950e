"""Pregnancy notifications (妊娠届, issue 16): what the municipality's 母子保健 system tells us
about a pregnancy filed at a counter, whether or not she ever booked.

One row per notification, keyed by the municipality's own record key, so a file imported twice
or an API call repeated changes nothing. The pregnancy it made (or found) is "notified": it has
`Pregnancy.notified_on` and this row; it leaves that state when a booking is made for it.

What the export carries that a booking never asked for (date of birth, address, district, the
counter) lives here, not on Resident: retention_purge empties it with her other details.
Never a My Number: the import refuses a file that carries one (scheduling.notification_import).
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PregnancyNotification(models.Model):
    class Source(models.TextChoices):
        FILE = "file", _("File import")
        API = "api", _("API")

    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.PROTECT,
        related_name="pregnancy_notifications",
        verbose_name=_("municipality"),
    )
    record_key = models.CharField(_("record key"), max_length=64)
    pregnancy = models.OneToOneField(
        "scheduling.Pregnancy",
        on_delete=models.CASCADE,
        related_name="notification",
        verbose_name=_("pregnancy"),
    )
    notified_on = models.DateField(_("notified on"))
    counter = models.CharField(_("counter where it was filed"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    district = models.CharField(_("district"), max_length=100, blank=True, db_index=True)
    source = models.CharField(_("source"), max_length=8, choices=Source.choices)
    # Whether the import found her among the residents (by phone or email) or made a new one.
    matched_existing = models.BooleanField(_("matched an existing resident"), default=False)
    imported_at = models.DateTimeField(_("imported"), auto_now_add=True)

    class Meta:
        verbose_name = _("pregnancy notification")
        verbose_name_plural = _("pregnancy notifications")
        constraints = [
            models.UniqueConstraint(
                fields=["municipality", "record_key"], name="notification_record_key_unique"
            ),
        ]
        indexes = [models.Index(fields=["municipality", "notified_on"])]

    def __str__(self) -> str:
        return f"notification {self.record_key}"
