create domain app.hex_color as text
    check (value ~ '^#[0-9a-f]{6}$');

comment on domain app.hex_color is 'Lower-case CSS colour such as #1d4ed8.';
