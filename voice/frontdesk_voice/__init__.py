"""frontdesk-voice: Frontdesk's phone line and browser calling, with offline speech.

GPL-3.0-or-later because Piper (piper-tts) is; every ``import piper`` stays inside
this distribution so Frontdesk's core remains Apache-2.0.
"""

__version__ = "0.1.0"
