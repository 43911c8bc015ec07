pub mod document;
pub mod openapi;
