"""The handler500 view answers 503 when the error being handled is the database being unavailable
(raised in a middleware, where the middleware's own process_exception cannot see it)."""

import json

from django.db import InterfaceError, OperationalError
from django.test import RequestFactory
from django.utils import translation

from config.faults import server_error


def handled(error: Exception, **headers):
    request = RequestFactory().get("/", **headers)
    try:
        raise error
    except Exception:
        return server_error(request)


def test_a_database_error_raised_outside_the_view_gets_503_in_the_visitors_language():
    with translation.override("en"):
        response = handled(OperationalError("the database system is shutting down"))

    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "The site is briefly unavailable. Please try again in a minute." in response.content.decode()
    assert "<title>Back in a moment · Clearfund</title>" in response.content.decode()


def test_a_closed_connection_asked_for_json_gets_a_json_503():
    response = handled(InterfaceError("connection already closed"), HTTP_ACCEPT="application/json")

    assert response.status_code == 503
    assert json.loads(response.content) == {
        "status": "error",
        "message": "网站暂时无法访问，请一分钟后再试。",
    }


def test_any_other_error_is_still_a_500():
    response = handled(ValueError("a bug"))

    assert response.status_code == 500


def test_the_error_pages_name_the_organisation_in_the_visitors_language_without_the_database():
    # given a database that cannot be read: neither page may ask it for the site's name
    with translation.override("zh-hans"):
        failed = handled(ValueError("a bug")).content.decode()
        unavailable = handled(OperationalError("the database system is shutting down")).content.decode()

    assert "· 清源公益</title>" in failed
    assert "· 清源公益</title>" in unavailable
