"""The demo's data: a landing folder that retells NTB's 2018 e-KTP push (`ektp demo` builds it).
Not part of the pipeline; it imports only the contract's vocabulary."""
