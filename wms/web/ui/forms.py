"""The pages' forms (Flask-WTF: every one carries the CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import PasswordField, StringField, TextAreaField
from wtforms.validators import AnyOf, DataRequired, Length, Optional

from wms.domain.grading import Decision
from wms.web.ui.i18n import LANGUAGES
from wms.web.ui.i18n import _ as _l


class LoginForm(FlaskForm):  # type: ignore[misc]
    """Dashboard login."""

    login = StringField(_l("Login"), validators=[DataRequired(), Length(max=100)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=200)])


class LanguageForm(FlaskForm):  # type: ignore[misc]
    """Switch the interface language."""

    language = StringField(validators=[DataRequired(), AnyOf(LANGUAGES)])


class ResolveForm(FlaskForm):  # type: ignore[misc]
    """Close a floor exception."""

    note = StringField(_l("What was done"), validators=[DataRequired(), Length(max=2000)])


class DecisionForm(FlaskForm):  # type: ignore[misc]
    """Decide on a unit awaiting decision."""

    decision = StringField(validators=[DataRequired(), AnyOf([d.value for d in Decision])])
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=500)])


class SettleForm(FlaskForm):  # type: ignore[misc]
    """Record the marketplace's answer to a claim."""

    outcome = StringField(validators=[DataRequired(), AnyOf(["compensated", "rejected"])])


class PhotoForm(FlaskForm):  # type: ignore[misc]
    """Upload a photo of a unit."""

    photo = FileField(_l("Photo"), validators=[FileRequired()])


class EmptyForm(FlaskForm):  # type: ignore[misc]
    """A form with nothing but the CSRF token (logout)."""
