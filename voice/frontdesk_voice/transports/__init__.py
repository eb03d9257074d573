"""Wire protocols that carry a call: Twilio/Telnyx media streams, Asterisk chan_websocket and AudioSocket, the browser."""
