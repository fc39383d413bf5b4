from datetime import datetime

from sqlalchemy import DateTime, String
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import Base


class DataRelease(Base):
    """What was loaded and when; checksums and load times make the public data version."""

    __tablename__ = "data_release"

    name: Mapped[str] = mapped_column(String(40), primary_key=True)  # "seed", "sider"
    checksum: Mapped[str] = mapped_column(String(64))
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # stored as UTC
