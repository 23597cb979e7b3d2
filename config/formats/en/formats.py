"""English dates and times as the rest of Clearfund writes them (issue 13): a 24-hour clock, as the
public pages, mails and PDFs use, and the day before the month ("2 Dec 2026, 22:19"), not Django's
American default ("Dec. 2, 2026, 10:19 p.m."). The admin's ``DATETIME_FORMAT`` comes from here;
Chinese keeps Django's own ("2026年12月2日 22:19")."""

DATE_FORMAT = "j M Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j M Y, H:i"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
MONTH_DAY_FORMAT = "j F"
YEAR_MONTH_FORMAT = "F Y"
FIRST_DAY_OF_WEEK = 1  # Monday, as in China
