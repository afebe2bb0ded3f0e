//! causeway codecs
