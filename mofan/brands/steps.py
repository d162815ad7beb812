"""The review steps by the action name the pages and the API send, each called with the
user, the item, the reason typed (the unit's note when it passes) and the year (re-check)."""

from mofan.brands.services import brands, four_strong

APPLICATION_STEPS = {
    "submit": lambda user, a, reason, year: four_strong.application_submit(
        actor=user, application=a
    ),
    "unit_pass": lambda user, a, reason, year: four_strong.application_unit_pass(
        actor=user, application=a, note=reason
    ),
    "return": lambda user, a, reason, year: four_strong.application_return(
        actor=user, application=a, reason=reason
    ),
    "recognise": lambda user, a, reason, year: four_strong.application_recognise(
        actor=user, application=a
    ),
    "reject": lambda user, a, reason, year: four_strong.application_reject(
        actor=user, application=a, reason=reason
    ),
    "recheck": lambda user, a, reason, year: four_strong.recognition_recheck(
        actor=user, application=a, year=year, note=reason
    ),
    "revoke": lambda user, a, reason, year: four_strong.recognition_revoke(
        actor=user, application=a, reason=reason
    ),
}

BRAND_STEPS = {
    "submit": lambda user, b, reason, year: brands.brand_submit(actor=user, brand=b),
    "unit_pass": lambda user, b, reason, year: brands.brand_unit_pass(
        actor=user, brand=b, note=reason
    ),
    "return": lambda user, b, reason, year: brands.brand_return(actor=user, brand=b, reason=reason),
    "reject": lambda user, b, reason, year: brands.brand_reject(actor=user, brand=b, reason=reason),
    "revoke": lambda user, b, reason, year: brands.brand_revoke(actor=user, brand=b, reason=reason),
}
