"""Who acts in a request (STYLE: one actor per request), as services receive it. No Flask here:
`portal.access.current_actor()` builds it once per web request; the API, commands and tests
build one with `Actor.itself(person, channel)`.

`user` is the signed-in principal (always the agent while assisting, DESIGN §8); `person` is
whose action it is: the assisted user while an agent acts as them, else `user`. Attribution of a
write (author, `assisted_by`, channel, the interaction) comes from here, never from loose
arguments."""
from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    user: object | None
    person: object | None
    assisted_by: object | None = None
    channel: str = "web"
    interaction: object | None = None

    @property
    def acting(self) -> bool:
        return self.assisted_by is not None

    @classmethod
    def itself(cls, person, channel: str = "web") -> "Actor":
        """A person acting as themselves (the workspace, the API, a command)."""
        return cls(person, person, channel=channel)


ANONYMOUS = Actor(None, None)
