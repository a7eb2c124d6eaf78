"""The hint under every file input says the brand's limits in the page's language; it is
remembered per limits and language (a hot path), so a change of either shows at once."""
from portal.attachments.web import hint
from portal.extensions import db


def test_the_hint_follows_the_brands_limits_and_the_language(app, make_brand):
    from flask_babel import force_locale

    brand = make_brand("acme")
    with app.test_request_context("/"):
        assert hint(brand) == "Up to 10 files of 20 MB each: Images, PDF, Office documents, Text, Archives."
        with force_locale("fr"):
            french = hint(brand)
        assert "20" in french and "Images" in french and french != hint(brand)
        brand.settings = {**(brand.settings or {}), "attachment_max_mb": 5, "attachments_per_comment": 3,
                          "attachment_kinds": ["pdf"]}
        db.session.commit()
        assert hint(brand) == "Up to 3 files of 5 MB each: PDF."
