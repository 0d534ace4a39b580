"""Review signals as pure functions: e-mail domain, similar names, minimum wage, NPI, wording."""

from __future__ import annotations

import pytest

from placement.npi import npi_with_check_digit
from placement.services import fraud


def codes(signals: list[fraud.Signal]) -> set[str]:
    return {signal.code for signal in signals}


class TestEmailDomain:
    def test_matching_domain_and_subdomain(self):
        assert codes(fraud.email_domain_signals(["a@harbor.org"], "https://www.harbor.org/")) == {
            "email_domain_match"
        }
        assert "email_domain_mismatch" not in codes(
            fraud.email_domain_signals(["a@mail.harbor.org"], "harbor.org")
        )

    def test_a_foreign_domain_is_named(self):
        (signal,) = fraud.email_domain_signals(["boss@cheap-spa.biz"], "https://harbor.org")
        assert signal.code == "email_domain_mismatch"
        assert "cheap-spa.biz" in signal.message and "harbor.org" in signal.message

    def test_free_mail_and_missing_website(self):
        assert codes(fraud.email_domain_signals(["x@gmail.com"], "")) == {"free_mail", "no_website"}

    def test_website_domain(self):
        assert fraud.website_domain("https://WWW.Harbor.org:8443/jobs") == "harbor.org"
        assert fraud.website_domain("") is None
        assert fraud.website_domain("http://[bad") is None


class TestSimilarNames:
    @pytest.mark.parametrize(
        ("a", "b"),
        [
            ("Harbor Hospital", "Harbour Hospital"),
            ("The Harbor Hospital, Inc.", "harbor hospital"),
            ("Hospital Harbor", "Harbor Hospital LLC"),
            ("Sunset Hills Hospice", "Sunset Hill Hospice"),
            ("Café Santé Clinic", "Cafe Sante Clinic"),
        ],
    )
    def test_similar(self, a, b):
        assert fraud.names_similar(a, b)

    @pytest.mark.parametrize(
        ("a", "b"),
        [("Harbor Hospital", "Valley Rehab"), ("Mesa Hospice", "Mesa Cancer Institute"), ("", "x")],
    )
    def test_different(self, a, b):
        assert not fraud.names_similar(a, b)

    def test_it_ignores_the_organisation_itself(self):
        known = [(1, "Harbor Hospital", "approved"), (2, "Harbour Hospital", "pending")]
        (signal,) = fraud.similar_name_signals("Harbour Hospital", known, own_id=2)
        assert "#1" in signal.message and "approved" in signal.message


class TestPay:
    def test_below_the_california_minimum(self):
        (signal,) = fraud.pay_signals(15.0, 20.0, "CA")
        assert signal.code == "below_minimum_wage"
        assert "$16.50" in signal.message and str(fraud.MINIMUM_WAGE_YEAR) in signal.message

    def test_at_the_minimum_is_fine(self):
        assert fraud.pay_signals(16.5, None, "CA") == []

    def test_federal_floor_for_other_states(self):
        assert fraud.pay_signals(7.0, 9.0, "TX")[0].code == "below_minimum_wage"
        assert fraud.pay_signals(8.0, 9.0, "TX") == []
        assert fraud.minimum_wage(None) == fraud.FEDERAL_MINIMUM_WAGE

    def test_no_pay_is_a_hint(self):
        assert fraud.pay_signals(None, None, "CA")[0].severity == "info"


class TestNpi:
    def test_a_bad_check_digit(self):
        valid = npi_with_check_digit("123456789")
        wrong = valid[:-1] + str((int(valid[-1]) + 1) % 10)
        assert fraud.npi_signals(valid, "hospital") == []
        assert codes(fraud.npi_signals(wrong, "hospice")) == {"npi_invalid"}

    def test_a_hospital_without_an_npi(self):
        assert codes(fraud.npi_signals(None, "hospital")) == {"npi_missing"}
        assert fraud.npi_signals(None, "chiropractic") == []


class TestWording:
    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("A $200 training fee is due on day one", "wording_fee"),
            ("Registration fee required", "wording_fee"),
            ("Pay is commission-only", "wording_commission_only"),
            ("commission only, great earnings", "wording_commission_only"),
            ("Paid as a 1099 contractor", "wording_contractor_1099"),
            ("Housing provided for therapists", "wording_housing"),
            ("You may live on site", "wording_housing"),
            ("Cash tips every night", "wording_cash_tips"),
            ("Open 24 hours", "wording_round_the_clock"),
            ("We are open 24/7", "wording_round_the_clock"),
            ("Looking for young therapists", "wording_appearance"),
            ("Attractive girls wanted", "wording_appearance"),
            ("Ages 18-25 preferred", "wording_appearance"),
            ("Female only", "wording_appearance"),
            ("Photos required with application", "wording_appearance"),
            ("No experience necessary", "wording_no_experience"),
            ("Earn $500 a day", "wording_quick_money"),
        ],
    )
    def test_it_flags_the_wording(self, text, code):
        signals = fraud.wording_signals(text)
        assert code in codes(signals)
        assert all(signal.message for signal in signals)

    @pytest.mark.parametrize(
        "text",
        [
            "Inpatient medical massage on the oncology floor; BLS required; attractive benefits.",
            "Full-time, $32-38/h, weekday mornings, 2019-2025 experience welcome.",
            "Manual lymphatic drainage for post-surgical patients.",
        ],
    )
    def test_ordinary_clinical_postings_are_quiet(self, text):
        assert fraud.wording_signals(text) == []


class TestIllicitMassageWording:
    """Issue 10: "24hr", "Asian spa", "cash daily", "young", in any case, in a name, a
    website or a description."""

    @pytest.mark.parametrize(
        ("text", "code"),
        [
            ("Relax Spa 24HR", "wording_round_the_clock"),
            ("open 24hr, walk-ins welcome", "wording_round_the_clock"),
            ("ASIAN SPA & wellness", "wording_illicit_massage"),
            ("asian massage, body rub", "wording_illicit_massage"),
            ("Cash Daily for the right therapist", "wording_cash_tips"),
            ("YOUNG therapists wanted", "wording_appearance"),
        ],
    )
    def test_names_and_descriptions(self, text, code):
        assert code in codes(fraud.wording_signals(text))

    @pytest.mark.parametrize(
        ("website", "expected"),
        [
            (
                "https://asianspa24hr.example",
                {"wording_illicit_massage", "wording_round_the_clock"},
            ),
            ("http://www.Cash-Daily.example/jobs", {"wording_cash_tips"}),
            ("https://young-therapists.example", {"wording_appearance"}),
            ("https://harbor.example", set()),
            ("https://youngstown-medical.example", set()),
            ("", set()),
        ],
    )
    def test_websites(self, website, expected):
        assert codes(fraud.website_wording_signals(website)) == expected


class TestNpiInUse:
    def test_another_organisation_with_the_npi_is_named(self):
        others = [(1, "St. Brigid Hospital", "approved", "1234567893"), (2, "Me", "pending", None)]
        (signal,) = fraud.npi_in_use_signals("1234567893", others, own_id=2)
        assert signal.code == "npi_in_use"
        assert "St. Brigid Hospital" in signal.message and "#1" in signal.message

    def test_its_own_npi_and_no_npi_are_quiet(self):
        others = [(1, "St. Brigid Hospital", "approved", "1234567893")]
        assert fraud.npi_in_use_signals("1234567893", others, own_id=1) == []
        assert fraud.npi_in_use_signals(None, others, own_id=2) == []


class TestConfirmation:
    def test_unconfirmed_is_a_warning_confirmed_a_hint(self):
        (unconfirmed,) = fraud.confirmation_signals("a@harbor.org", False)
        assert (unconfirmed.code, unconfirmed.severity) == ("email_unconfirmed", "warning")
        (confirmed,) = fraud.confirmation_signals("a@harbor.org", True)
        assert (confirmed.code, confirmed.severity) == ("email_confirmed", "info")


class TestEmployerSignals:
    """The page-of-rows function, against the database."""

    def test_npi_in_use_wording_and_confirmation(self, db):
        from placement.models import Employer, utcnow
        from tests import factories

        npi = npi_with_check_digit("123456789")
        original = factories.employer(db, name="St. Brigid Hospital", email="a@brigid.example")
        copycat = factories.employer(db, name="Relax Spa 24hr", email="b@relax.example")
        for persona in (original, copycat):
            row = db.get(Employer, persona.employer.id)
            row.npi = npi
            db.add(row)
        original.user.email_confirmed_at = utcnow()
        db.add(original.user)
        db.commit()

        signals = fraud.employer_signals(
            db, [db.get(Employer, original.employer.id), db.get(Employer, copycat.employer.id)]
        )

        theirs = codes(signals[copycat.employer.id])
        assert {"npi_in_use", "wording_round_the_clock", "email_unconfirmed"} <= theirs
        assert "email_confirmed" in codes(signals[original.employer.id])
        assert "email_unconfirmed" not in codes(signals[original.employer.id])
