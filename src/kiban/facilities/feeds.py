"""iCalendar (RFC 5545) feeds of bookings, made with the icalendar package: a user's own bookings, or one
instrument's, where bookings the user may not see are only "booked"."""

from django.utils.translation import gettext as _
from icalendar import Calendar, Event

from kiban.core.models import User

from . import selectors
from .models import Booking, Instrument
from .services import LIVE


def calendar(*, user: User, instrument: Instrument | None, base: str) -> bytes:
    feed = Calendar()
    feed.add("prodid", "-//Kiban//cryo-EM network//EN")
    feed.add("version", "2.0")
    feed.add("x-wr-calname", str(instrument) if instrument else _("My cryo-EM bookings"))
    visible = set(selectors.visible_project_ids(user).values_list("pk", flat=True))
    operated = selectors.operated_site_ids(user)
    if instrument is None:
        bookings = selectors.booking_list(user=user).filter(project_id__in=visible)
    else:
        bookings = Booking.objects.filter(instrument=instrument).select_related("instrument__site", "project")
    for booking in bookings.filter(state__in=LIVE).order_by("starts_at")[:2000]:
        event = Event()
        event.add("uid", f"booking-{booking.pk}@kiban")
        event.add("dtstart", booking.starts_at)
        event.add("dtend", booking.ends_at)
        if booking.project_id in visible or booking.instrument.site_id in operated:
            event.add("summary", f"{booking.instrument}: {booking.project}")
            event.add("url", base.rstrip("/") + booking.get_absolute_url())
            event.add("status", "CONFIRMED")
        else:
            event.add("summary", f"{booking.instrument}: {_('booked')}")
        feed.add_component(event)
    return feed.to_ical()
