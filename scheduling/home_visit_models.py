"""Home visits (issue 15): her address, districts (地区担当) by 町丁, the nurses' visit blocks and
the visits themselves.

- `ResidentAddress`: postcode, 町丁 and building; optional until a visit is requested.
- `District` and `DistrictTown`: a municipality assigns nurses to districts, and each 町丁 to one
  district (Katsushika does it by 町丁). Loaded from a CSV by `manage.py district_import`.
- `VisitBlock`: a nurse's time for visits in one district on one day: at most `capacity` visits,
  with `travel_minutes` between two of them.
- `HomeVisit`: she (or staff on the phone) asks for a half-day; it is placed in a block of her
  district with room (scheduling.home_visit_capacity decides); the block's nurse then confirms an
  exact time, and she is told. One active visit per pregnancy and contact, kept by the database.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ResidentAddress(models.Model):
    resident = models.OneToOneField(
        "scheduling.Resident",
        on_delete=models.CASCADE,
        related_name="address",
        verbose_name=_("resident"),
    )
    postcode = models.CharField(_("postcode"), max_length=8)
    town = models.CharField(_("town and chōme (町丁)"), max_length=100)
    building = models.CharField(_("building, room"), max_length=200, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("address")
        verbose_name_plural = _("addresses")

    def __str__(self) -> str:
        return f"address of resident {self.resident_id}"

    @property
    def one_line(self) -> str:
        return " ".join(p for p in (f"〒{self.postcode}", self.town, self.building) if p)


class District(models.Model):
    municipality = models.ForeignKey(
        "scheduling.Municipality",
        on_delete=models.PROTECT,
        related_name="districts",
        verbose_name=_("municipality"),
    )
    code = models.SlugField(_("code"))
    name = models.CharField(_("name"), max_length=100)
    nurses = models.ManyToManyField(
        "scheduling.Nurse", blank=True, related_name="districts", verbose_name=_("nurses")
    )

    class Meta:
        verbose_name = _("district")
        verbose_name_plural = _("districts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "code"], name="district_code_unique")
        ]

    def __str__(self) -> str:
        return self.name


class DistrictTown(models.Model):
    """One 町丁 (as written in her address, e.g. 青戸四丁目) and the district it belongs to."""

    municipality = models.ForeignKey(
        "scheduling.Municipality", on_delete=models.CASCADE, related_name="+"
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="towns", verbose_name=_("district")
    )
    town = models.CharField(_("town and chōme (町丁)"), max_length=100)

    class Meta:
        verbose_name = _("town of a district")
        verbose_name_plural = _("towns of districts")
        constraints = [
            models.UniqueConstraint(fields=["municipality", "town"], name="one_district_per_town")
        ]

    def __str__(self) -> str:
        return self.town


class VisitBlock(models.Model):
    nurse = models.ForeignKey(
        "scheduling.Nurse",
        on_delete=models.CASCADE,
        related_name="visit_blocks",
        verbose_name=_("nurse"),
    )
    district = models.ForeignKey(
        District, on_delete=models.CASCADE, related_name="blocks", verbose_name=_("district")
    )
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("from"))
    end_time = models.TimeField(_("until"))
    capacity = models.PositiveSmallIntegerField(_("visits at most"), default=3)
    visit_minutes = models.PositiveSmallIntegerField(_("minutes per visit"), default=60)
    travel_minutes = models.PositiveSmallIntegerField(_("travel between visits"), default=20)

    class Meta:
        verbose_name = _("visit block")
        verbose_name_plural = _("visit blocks")
        constraints = [
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="visit_block_ordered"
            )
        ]

    def __str__(self) -> str:
        return f"{self.district} {self.date} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class HomeVisit(models.Model):
    class Half(models.TextChoices):
        MORNING = "am", _("Morning")
        AFTERNOON = "pm", _("Afternoon")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Asked for (time to be confirmed)")
        CONFIRMED = "confirmed", _("Time confirmed")
        CANCELLED = "cancelled", _("Cancelled")
        DONE = "done", _("Done")

    pregnancy = models.ForeignKey(
        "scheduling.Pregnancy",
        on_delete=models.PROTECT,
        related_name="home_visits",
        verbose_name=_("pregnancy"),
    )
    contact = models.ForeignKey(
        "scheduling.Contact",
        on_delete=models.PROTECT,
        related_name="home_visits",
        verbose_name=_("contact"),
    )
    block = models.ForeignKey(
        VisitBlock, on_delete=models.PROTECT, related_name="visits", verbose_name=_("visit block")
    )
    date = models.DateField(_("date"))
    half = models.CharField(_("half day"), max_length=2, choices=Half.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.REQUESTED
    )
    start = models.DateTimeField(_("start"), null=True, blank=True)
    end = models.DateTimeField(_("end"), null=True, blank=True)
    by_staff = models.BooleanField(_("asked for by staff"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("home visit")
        verbose_name_plural = _("home visits")
        constraints = [
            models.UniqueConstraint(
                fields=["pregnancy", "contact"],
                condition=Q(status__in=["requested", "confirmed"]),
                name="one_active_home_visit_per_pregnancy_contact",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed") | Q(start__isnull=False, end__isnull=False),
                name="confirmed_home_visit_has_a_time",
            ),
        ]

    def __str__(self) -> str:
        return f"home visit {self.pk} {self.date} {self.half}"
