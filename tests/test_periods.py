from datetime import date

import pytest

from sessionplan.periods import PeriodError, parse_period, parse_periods

MON = date(2027, 3, 8)
TUE = date(2027, 3, 9)
THU = date(2027, 3, 11)


def test_weekday_matches_whole_day():
    p = parse_period("Mon")
    assert p.touches(MON, 9 * 60, 10 * 60, "x")
    assert not p.touches(TUE, 9 * 60, 10 * 60, "x")


def test_half_days_split_at_noon():
    am, pm = parse_period("Thu AM"), parse_period("Thu PM")
    assert am.touches(THU, 11 * 60, 11 * 60 + 45, "s") and not pm.touches(THU, 11 * 60, 11 * 60 + 45, "s")
    assert pm.touches(THU, 12 * 60, 13 * 60, "s") and not am.touches(THU, 12 * 60, 13 * 60, "s")
    # a talk across noon touches both halves but lies within neither
    assert am.touches(THU, 11 * 60 + 30, 12 * 60 + 15, "s") and pm.touches(THU, 11 * 60 + 30, 12 * 60 + 15, "s")
    assert not am.within(THU, 11 * 60 + 30, 12 * 60 + 15, "s")


def test_date_and_time_range():
    p = parse_period("2027-03-08 14:00-18:00")
    assert p.touches(MON, 17 * 60 + 30, 18 * 60 + 15, "s")
    assert not p.touches(MON, 13 * 60, 14 * 60, "s")  # ends exactly when the range starts
    assert not p.touches(TUE, 15 * 60, 16 * 60, "s")


def test_weekday_and_date_ranges():
    p = parse_period("Mon-Wed")
    assert p.touches(TUE, 600, 660, "s") and not p.touches(THU, 600, 660, "s")
    q = parse_period("2027-03-08..2027-03-09")
    assert q.touches(TUE, 600, 660, "s") and not q.touches(THU, 600, 660, "s")


def test_session_label_takes_precedence():
    p = parse_period("mon-1", frozenset({"mon-1"}))
    assert p.session == "mon-1"
    assert p.touches(MON, 0, 1, "Mon-1") and not p.touches(MON, 0, 1, "Mon-2")


def test_time_point_means_start_time():
    p = parse_period("Mon 09:00")
    assert p.within(MON, 540, 585, "s") and not p.within(MON, 585, 630, "s")


def test_full_weekday_names_and_every_day_forms():
    assert parse_period("Tuesday AM").weekdays == frozenset({1})
    assert parse_period("PM").touches(THU, 13 * 60, 14 * 60, "s")
    assert parse_period("08:00-09:00").touches(TUE, 8 * 60 + 30, 9 * 60 + 30, "s")


@pytest.mark.parametrize("bad", ["Funday", "Mon XM", "2027-02-30", "Wed-Mon", "Mon 18:00-14:00", "25:00-26:00"])
def test_bad_periods_are_refused(bad):
    with pytest.raises(PeriodError):
        parse_period(bad)


def test_list_reports_each_bad_item():
    periods, errors = parse_periods("Mon; Funday; Tue PM; 2027-13-01")
    assert [p.text for p in periods] == ["Mon", "Tue PM"]
    assert len(errors) == 2 and "Funday" in errors[0]
