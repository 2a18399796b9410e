"""Flask extensions, created unbound; ``create_app`` binds them."""

from flask_cors import CORS
from flask_jwt_extended import JWTManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

from app.core.api import DoorstepApi
from app.core.models import Base

db = SQLAlchemy(model_class=Base)
migrate = Migrate()
jwt = JWTManager()
api = DoorstepApi()
cors = CORS()
